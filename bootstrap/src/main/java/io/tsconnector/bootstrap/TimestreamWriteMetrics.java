package io.tsconnector.bootstrap;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.tsconnector.adapters.timestream.WriteMeter;
import io.tsconnector.domain.Destination;

/**
 * Telemetry of the Timestream writer: what Timestream bills for the calls it accepted
 * ({@code timestream_connector_write_units_total}, {@code ..._write_metered_bytes_total}, by database and table).
 */
final class TimestreamWriteMetrics implements WriteMeter {
    private final Counter units;
    private final Counter bytes;
    private final Counter records;

    TimestreamWriteMetrics(CollectorRegistry registry) {
        units = Counter.build("timestream_connector_write_units_total",
                "Timestream write units of the WriteRecords calls Timestream accepted: each call's metered size in whole KiB.")
                .labelNames("database", "table").register(registry);
        bytes = Counter.build("timestream_connector_write_metered_bytes_total",
                "Metered size of the WriteRecords calls Timestream accepted: 8 B time, UTF-8 bytes of dimension names and "
                        + "values and of the measure name, 8 B value per record, CommonAttributes once per call.")
                .labelNames("database", "table").register(registry);
        records = Counter.build("timestream_connector_write_records_total",
                "Records in the WriteRecords calls Timestream accepted.").labelNames("database", "table").register(registry);
    }

    @Override
    public void accepted(Destination destination, int recordCount, long meteredBytes, long writeUnits) {
        units.labels(destination.database(), destination.table()).inc(writeUnits);
        bytes.labels(destination.database(), destination.table()).inc(meteredBytes);
        records.labels(destination.database(), destination.table()).inc(recordCount);
    }
}
