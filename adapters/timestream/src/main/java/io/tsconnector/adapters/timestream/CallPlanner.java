package io.tsconnector.adapters.timestream;

import io.tsconnector.domain.Sample;
import io.tsconnector.domain.TimeSeries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Arranges the records of one destination into WriteRecords calls that cost as few write units as the data
 * allows. Timestream meters a record as 8 B of time, the UTF-8 bytes of each dimension name and value and of
 * the measure name, and 8 B of value; attributes in a call's CommonAttributes count once for the call; each
 * call is billed in whole KiB. So records that share time, target labels ({@code instance}, {@code job}) and
 * metric name go into the same call with those in CommonAttributes, and calls are cut where that saves units.
 *
 * <p>Order: when series carry few samples each (the usual remote-write request: one scrape's samples), records
 * are ordered by time, keeping the request's order of series within one time (Prometheus sends a target's
 * series together); when series carry many samples each (backfill, catch-up after an outage), a series'
 * records stay together, sharing all of its dimensions. The cut points come from a dynamic program over that
 * order (calls of at most 100 consecutive records), minimizing billed KiB, then the number of calls; each
 * call's CommonAttributes then hold every attribute its records share.
 */
final class CallPlanner {
    static final int MAX_RECORDS_PER_CALL = 100;
    /** Samples per series from which a series' records are kept together rather than ordered by time. */
    static final int SERIES_MAJOR_FROM = 8;
    private static final int COMPONENTS = 4;
    private static final int INDEX_BITS = 21;

    private CallPlanner() {
    }

    /** The calls for {@code series}, every sample in exactly one call. */
    static List<CallPlan> plan(List<TimeSeries> series, Function<TimeSeries, SeriesParts> partsOf) {
        int seriesCount = series.size();
        int n = 0;
        for (TimeSeries s : series) {
            n += s.samples().size();
        }
        if (n == 0) {
            return List.of();
        }
        SeriesParts[] parts = new SeriesParts[seriesCount];
        for (int i = 0; i < seriesCount; i++) {
            parts[i] = partsOf.apply(series.get(i));
        }
        int[] recSeries = new int[n];
        int[] recSample = new int[n];
        long[] recTime = new long[n];
        int r = 0;
        for (int s = 0; s < seriesCount; s++) {
            List<Sample> samples = series.get(s).samples();
            for (int i = 0; i < samples.size(); i++) {
                recSeries[r] = s;
                recSample[r] = i;
                recTime[r] = samples.get(i).timestampMs();
                r++;
            }
        }
        boolean seriesMajor = n >= (long) SERIES_MAJOR_FROM * seriesCount;
        int[] order = seriesMajor ? identity(n) : byTime(recTime);
        Records recs = new Records(order, recSeries, recSample, recTime, parts, seriesMajor);
        int[] cuts = cuts(recs);
        List<CallPlan> calls = new ArrayList<>(cuts.length - 1);
        for (int c = 0; c + 1 < cuts.length; c++) {
            calls.add(CallPlan.of(series, recs, cuts[c], cuts[c + 1]));
        }
        return calls;
    }

    /** Records in call order, with what neighbours share. */
    static final class Records {
        final int n;
        final int[] series;
        final int[] sample;
        final long[] time;
        final SeriesParts[] parts;
        final boolean seriesMajor;

        Records(int[] order, int[] recSeries, int[] recSample, long[] recTime, SeriesParts[] parts, boolean seriesMajor) {
            this.n = order.length;
            this.series = new int[n];
            this.sample = new int[n];
            this.time = new long[n];
            for (int i = 0; i < n; i++) {
                int o = order[i];
                series[i] = recSeries[o];
                sample[i] = recSample[o];
                time[i] = recTime[o];
            }
            this.parts = parts;
            this.seriesMajor = seriesMajor;
        }

        SeriesParts parts(int r) {
            return parts[series[r]];
        }

        /** Metered bytes of record {@code r} with nothing in CommonAttributes. */
        int fullBytes(int r) {
            SeriesParts p = parts(r);
            return 16 + p.allDimBytes + p.measureNameBytes;
        }

        /**
         * The components neighbours may share, in order: time, instance, job, metric name (records by time), or
         * instance, job, metric name, the other dimensions (records by series). Returns how many leading
         * components records {@code a} and {@code b} share.
         */
        int sharedPrefix(int a, int b) {
            SeriesParts pa = parts(a);
            SeriesParts pb = parts(b);
            int m = 0;
            if (!seriesMajor) {
                if (time[a] != time[b]) {
                    return 0;
                }
                m++;
            }
            // numbers from one interner: equal means equal text (unequal may still be equal text, shared less)
            if (pa.instanceId != pb.instanceId) {
                return m;
            }
            m++;
            if (pa.jobId != pb.jobId) {
                return m;
            }
            m++;
            if (pa.nameId != pb.nameId) {
                return m;
            }
            m++;
            if (seriesMajor && series[a] == series[b]) {
                m++;
            }
            return Math.min(m, COMPONENTS);
        }

        /** Metered bytes of the first {@code m} components of record {@code r}. */
        int prefixBytes(int r, int m) {
            SeriesParts p = parts(r);
            int bytes = 0;
            int c = 0;
            if (!seriesMajor) {
                if (m == 0) {
                    return 0;
                }
                bytes += 8;
                c++;
            }
            if (c++ < m) {
                bytes += p.dimBytes(p.instance);
            }
            if (c++ < m) {
                bytes += p.dimBytes(p.job);
            }
            if (c++ < m) {
                bytes += p.measureNameBytes;
            }
            if (c < m) {
                bytes += p.allDimBytes - p.dimBytes(p.instance) - p.dimBytes(p.job);
            }
            return bytes;
        }
    }

    /** Cut points {@code 0 = c0 < c1 < ... = n}: call k holds records {@code [c_k, c_k+1)}. */
    static int[] cuts(Records recs) {
        int n = recs.n;
        long[] prefix = new long[n + 1];
        for (int r = 0; r < n; r++) {
            prefix[r + 1] = prefix[r] + recs.fullBytes(r);
        }
        int[] lcp = new int[Math.max(n - 1, 0)];
        for (int r = 0; r + 1 < n; r++) {
            lcp[r] = recs.sharedPrefix(r, r + 1);
        }
        int[][] prefixBytes = new int[COMPONENTS + 1][n];
        for (int r = 0; r < n; r++) {
            for (int m = 0; m <= COMPONENTS; m++) {
                prefixBytes[m][r] = recs.prefixBytes(r, m);
            }
        }
        // best[j]: cheapest plan of records [0, j), as billed KiB << 20 plus number of calls
        long[] best = new long[n + 1];
        int[] from = new int[n + 1];
        int[] shareable = new int[COMPONENTS + 1];
        for (int j = 1; j <= n; j++) {
            int last = j - 1;
            for (int m = 0; m <= COMPONENTS; m++) {
                shareable[m] = prefixBytes[m][last];
            }
            // the call of record j-1 alone
            long bestCost = best[last] + (((prefix[j] - prefix[last] + 1023) >> 10) << 20) + 1;
            int bestFrom = last;
            int shared = COMPONENTS;
            long common = shareable[shared];
            long end = prefix[j];
            int lo = Math.max(0, j - MAX_RECORDS_PER_CALL);
            for (int i = j - 2; i >= lo; i--) {
                int l = lcp[i];
                if (l < shared) {
                    shared = l;
                    common = shareable[l];
                }
                long bytes = end - prefix[i] - (long) (last - i) * common;
                long cost = best[i] + (((bytes + 1023) >> 10) << 20) + 1;
                if (cost < bestCost) {
                    bestCost = cost;
                    bestFrom = i;
                }
            }
            best[j] = bestCost;
            from[j] = bestFrom;
        }
        int count = 0;
        for (int j = n; j > 0; j = from[j]) {
            count++;
        }
        int[] cuts = new int[count + 1];
        int c = count;
        for (int j = n; j > 0; j = from[j]) {
            cuts[c--] = j;
        }
        cuts[0] = 0;
        return cuts;
    }

    private static int[] identity(int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    /** Record positions ordered by time, stable (records of equal time keep their order). */
    static int[] byTime(long[] time) {
        int n = time.length;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        boolean sorted = true;
        for (int i = 0; i < n; i++) {
            min = Math.min(min, time[i]);
            max = Math.max(max, time[i]);
            if (i > 0 && time[i] < time[i - 1]) {
                sorted = false;
            }
        }
        if (sorted) {
            return identity(n);
        }
        int[] out = new int[n];
        long span = max - min;
        if (n < (1 << INDEX_BITS) && span >= 0 && span < (1L << (63 - INDEX_BITS))) {
            long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                keys[i] = ((time[i] - min) << INDEX_BITS) | i;
            }
            Arrays.sort(keys);
            for (int i = 0; i < n; i++) {
                out[i] = (int) (keys[i] & ((1 << INDEX_BITS) - 1));
            }
            return out;
        }
        Integer[] boxed = new Integer[n];
        for (int i = 0; i < n; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, Comparator.comparingLong(i -> time[i]));
        for (int i = 0; i < n; i++) {
            out[i] = boxed[i];
        }
        return out;
    }
}
