package io.tsconnector.application.service;

import io.tsconnector.application.ReadDeadline;
import io.tsconnector.application.port.in.ReadSeriesUseCase;
import io.tsconnector.application.port.out.SeriesReader;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.DestinationResolver;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.SeriesConsumer;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;

/**
 * Service: resolves the destination of a query from its matchers, asks the {@link SeriesReader} for
 * the series matching the remaining matchers, and gives result series back the destination labels the
 * query named.
 */
public final class ReadSeriesService implements ReadSeriesUseCase {
    private final DestinationResolver destinations;
    private final SeriesReader reader;

    public ReadSeriesService(DestinationResolver destinations, SeriesReader reader) {
        this.destinations = destinations;
        this.reader = reader;
    }

    @Override
    public void read(SeriesQuery query, ReadDeadline deadline, SeriesConsumer consumer) {
        Destination destination = destinations.forQuery(query.matchers());
        Labels extra = destinations.resultLabels(query.matchers());
        for (Matcher m : query.matchers()) {
            if (destinations.isDestinationLabel(m.name()) && !m.matches(extra)) {
                return;
            }
        }
        if (query.startMs() > query.endMs()) {
            return;
        }
        SeriesQuery dataQuery = query.withMatchers(destinations.dataMatchers(query.matchers()));
        // the deadline is also checked as each series is handed on, whatever the store does
        SeriesConsumer bounded = !deadline.isBounded() ? consumer : series -> {
            deadline.check("while the answer was being encoded");
            consumer.accept(series);
        };
        if (extra.isEmpty()) {
            reader.read(destination, dataQuery, deadline, bounded);
            return;
        }
        reader.read(destination, dataQuery, deadline, series -> {
            Labels labels = series.labels();
            for (int i = 0; i < extra.size(); i++) {
                labels = labels.with(extra.name(i), extra.value(i));
            }
            bounded.accept(new TimeSeries(labels, series.samples()));
        });
    }
}
