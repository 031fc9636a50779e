package io.tsconnector.bootstrap;

import io.tsconnector.adapters.protocol.ConnectorMetrics;
import io.tsconnector.adapters.protocol.InboundPipeline;
import io.tsconnector.application.port.out.SeriesReader;
import io.tsconnector.application.port.out.SeriesWriter;
import io.tsconnector.application.service.ReadSeriesService;
import io.tsconnector.application.service.WriteSeriesService;
import io.tsconnector.domain.DestinationResolver;

/** The inbound pipeline over one store, wired alike for the HTTP server and the Lambda handler. */
record Endpoints(InboundPipeline pipeline, DestinationResolver destinations) {
    static Endpoints wire(ConnectorSettings settings, SeriesWriter writer, SeriesReader reader, ConnectorMetrics metrics) {
        DestinationResolver destinations = new DestinationResolver(settings.databaseLabel(), settings.tableLabel(),
                settings.defaultDatabase(), settings.defaultTable());
        CacheSettings caches = settings.caches();
        WriteSeriesService writes = new WriteSeriesService(destinations, settings.writePolicy(), writer, caches.writeSeries());
        metrics.watchCache("write_series", writes.cache());
        InboundPipeline pipeline = new InboundPipeline(writes, new ReadSeriesService(destinations, reader), metrics,
                settings.limits(), InboundPipeline.DEFAULT_MAX_IN_FLIGHT, caches.remoteWriteLabels());
        return new Endpoints(pipeline, destinations);
    }
}
