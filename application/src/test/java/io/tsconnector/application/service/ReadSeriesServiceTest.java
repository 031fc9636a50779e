package io.tsconnector.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.application.port.out.SeriesReader;
import io.tsconnector.domain.Destination;
import io.tsconnector.domain.DestinationResolver;
import io.tsconnector.domain.DomainException;
import io.tsconnector.domain.Labels;
import io.tsconnector.domain.Matcher;
import io.tsconnector.domain.Sample;
import io.tsconnector.domain.SeriesQuery;
import io.tsconnector.domain.TimeSeries;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadSeriesServiceTest {
    private final List<Destination> destinations = new ArrayList<>();
    private final List<SeriesQuery> queries = new ArrayList<>();
    private final SeriesReader reader = (d, q, c) -> {
        destinations.add(d);
        queries.add(q);
        c.accept(TimeSeries.of(Labels.of("__name__", "up", "job", "x"), new Sample(1, 1)));
    };

    @Test
    void destinationFromMatchersWhichAreNotSentToTheStoreButComeBackAsLabels() {
        ReadSeriesService service = new ReadSeriesService(new DestinationResolver("db", "tbl", "", ""), reader);
        List<TimeSeries> out = new ArrayList<>();
        service.read(SeriesQuery.of(0, 10, Matcher.eq("db", "d"), Matcher.eq("tbl", "t"), Matcher.eq("__name__", "up")), out::add);
        assertEquals(List.of(new Destination("d", "t")), destinations);
        assertEquals(List.of(Matcher.eq("__name__", "up")), queries.get(0).matchers());
        assertEquals(Labels.of("__name__", "up", "job", "x", "db", "d", "tbl", "t"), out.get(0).labels());
    }

    @Test
    void defaultDestinationAddsNoLabelsAndNonEqualityDestinationMatchersFilter() {
        ReadSeriesService service = new ReadSeriesService(new DestinationResolver("db", "tbl", "dd", "dt"), reader);
        List<TimeSeries> out = new ArrayList<>();
        service.read(SeriesQuery.of(0, 10, Matcher.eq("__name__", "up")), out::add);
        assertEquals(Labels.of("__name__", "up", "job", "x"), out.get(0).labels());
        out.clear();
        service.read(SeriesQuery.of(0, 10, Matcher.neq("db", ""), Matcher.eq("__name__", "up")), out::add);
        assertTrue(out.isEmpty(), "series of the default destination carry no db label");
    }

    @Test
    void missingDestinationIsTheDocumentedError() {
        ReadSeriesService service = new ReadSeriesService(new DestinationResolver("db", "tbl", "", ""), reader);
        DomainException e = assertThrows(DomainException.class,
                () -> service.read(SeriesQuery.of(0, 10, Matcher.eq("__name__", "up")), s -> { }));
        assertTrue(e.getMessage().startsWith("MissingDatabaseWithQueryError"));
    }
}
