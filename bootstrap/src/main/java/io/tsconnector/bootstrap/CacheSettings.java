package io.tsconnector.bootstrap;

import io.tsconnector.adapters.protocol.RemoteWriteEndpoint;
import io.tsconnector.adapters.timestream.TimestreamSeriesWriter;
import io.tsconnector.application.service.WriteSeriesService;

/**
 * Configuration: the entry bounds of the connector's caches, each owned by the object that uses it; 0 turns a
 * cache off. Every cache is exported as {@code timestream_connector_cache_*{cache="<name>"}}.
 *
 * @param remoteWriteLabels label sets the remote write 1.0 decoder reuses by their wire bytes
 *        ({@code cache="remote_write_labels"})
 * @param writeSeries series whose destination and label checks the write use case keeps ({@code cache="write_series"})
 * @param timestreamSeries series whose prepared record attributes the Timestream writer keeps
 *        ({@code cache="timestream_series"}; storage timestream and local)
 */
public record CacheSettings(int remoteWriteLabels, int writeSeries, int timestreamSeries) {
    public static final CacheSettings DEFAULT = new CacheSettings(RemoteWriteEndpoint.DEFAULT_LABELS_CACHE_ENTRIES,
            WriteSeriesService.DEFAULT_CACHE_ENTRIES, TimestreamSeriesWriter.DEFAULT_SERIES_CACHE);

    public CacheSettings {
        if (remoteWriteLabels < 0 || writeSeries < 0 || timestreamSeries < 0) {
            throw new IllegalArgumentException("cache sizes must be 0 or more: " + remoteWriteLabels + ", " + writeSeries
                    + ", " + timestreamSeries);
        }
    }
}
