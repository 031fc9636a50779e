package io.tsconnector.it.support;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Heap measurement for benchmark programs: after {@code System.gc()} the heap pools' used bytes are the
 * baseline and their peak counters are reset; afterwards the sum of the pools' peaks minus the baseline is
 * the peak heap the measured work added (young and old generation, everything in this JVM).
 */
public final class BenchmarkSupport {
    private BenchmarkSupport() {
    }

    /** Collects garbage, resets the peaks, returns the baseline in bytes. */
    public static long heapBaseline() {
        System.gc();
        System.gc();
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
                used += pool.getUsage().getUsed();
            }
        }
        return used;
    }

    /** Sum of the heap pools' peak usage since {@link #heapBaseline()}, minus that baseline. */
    public static long heapPeakAbove(long baseline) {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        return peak - baseline;
    }

    public static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }
}
