package io.tsconnector.adapters.timestream;

import io.tsconnector.domain.Destination;

/**
 * Observer of what the Timestream writer is billed for: the metered size and write units of every
 * WriteRecords call that Timestream accepted, computed with Timestream's documented rule.
 */
@FunctionalInterface
public interface WriteMeter {
    /** Meters nothing. */
    WriteMeter NONE = (destination, records, meteredBytes, writeUnits) -> { };

    /**
     * @param records records of the call that were stored
     * @param meteredBytes 8 B time + UTF-8 bytes of dimension names and values + measure name + 8 B value per
     *     record, CommonAttributes counted once
     * @param writeUnits the call's metered bytes in whole KiB, rounded up
     */
    void accepted(Destination destination, int records, long meteredBytes, long writeUnits);
}
