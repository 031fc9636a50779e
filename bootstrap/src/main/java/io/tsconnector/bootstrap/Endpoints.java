package io.tsconnector.bootstrap;

import io.tsconnector.adapters.protocol.ConnectorMetrics;
import io.tsconnector.adapters.protocol.RemoteReadEndpoint;
import io.tsconnector.adapters.protocol.RemoteWriteEndpoint;
import io.tsconnector.application.port.out.SeriesReader;
import io.tsconnector.application.port.out.SeriesWriter;
import io.tsconnector.application.service.ReadSeriesService;
import io.tsconnector.application.service.WriteSeriesService;
import io.tsconnector.domain.DestinationResolver;

/** The remote write and read endpoints over one store, wired alike for the HTTP server and the Lambda handler. */
record Endpoints(RemoteWriteEndpoint write, RemoteReadEndpoint read, DestinationResolver destinations) {
    static Endpoints wire(ConnectorSettings settings, SeriesWriter writer, SeriesReader reader, ConnectorMetrics metrics) {
        DestinationResolver destinations = new DestinationResolver(settings.databaseLabel(), settings.tableLabel(),
                settings.defaultDatabase(), settings.defaultTable());
        RemoteWriteEndpoint write = new RemoteWriteEndpoint(
                new WriteSeriesService(destinations, settings.writePolicy(), writer), metrics, settings.limits());
        RemoteReadEndpoint read = new RemoteReadEndpoint(new ReadSeriesService(destinations, reader), metrics,
                settings.limits());
        return new Endpoints(write, read, destinations);
    }
}
