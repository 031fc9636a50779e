package io.tsconnector.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DestinationResolverTest {
    private final DestinationResolver labelsOnly = new DestinationResolver("db", "tbl", "", "");
    private final DestinationResolver withDefaults = new DestinationResolver("db", "tbl", "defdb", "deftbl");

    @Test
    void seriesDestinationComesFromItsLabels() {
        assertEquals(new Destination("d1", "t1"), labelsOnly.forSeries(Labels.of("__name__", "up", "db", "d1", "tbl", "t1")));
    }

    @Test
    void missingLabelsFallBackToDefaults() {
        assertEquals(new Destination("defdb", "t1"), withDefaults.forSeries(Labels.of("__name__", "up", "tbl", "t1")));
        assertEquals(new Destination("d1", "deftbl"), withDefaults.forSeries(Labels.of("__name__", "up", "db", "d1")));
    }

    @Test
    void missingDestinationGivesTheDocumentedErrors() {
        DomainException db = assertThrows(DomainException.class, () -> labelsOnly.forSeries(Labels.of("__name__", "up", "tbl", "t")));
        assertEquals(ErrorName.MISSING_DATABASE_WITH_WRITE, db.errorName());
        assertTrue(db.getMessage().startsWith("MissingDatabaseWithWriteError: "), db.getMessage());
        assertEquals("MissingDatabaseWithWriteError: " + db.detail(), db.getMessage(), "the detail is the message without the name");
        assertTrue(db.detail().contains("database label name: db"), db.detail());
        DomainException t = assertThrows(DomainException.class, () -> labelsOnly.forSeries(Labels.of("__name__", "up", "db", "d")));
        assertEquals(ErrorName.MISSING_TABLE_WITH_WRITE, t.errorName());
    }

    @Test
    void storedLabelsLeaveOutTheDestinationLabels() {
        assertEquals(Labels.of("__name__", "up", "job", "x"),
                labelsOnly.storedLabels(Labels.of("__name__", "up", "job", "x", "db", "d", "tbl", "t")));
    }

    @Test
    void queryDestinationFromEqualityMatchersElseDefaults() {
        List<Matcher> named = List.of(Matcher.eq("db", "d"), Matcher.eq("tbl", "t"), Matcher.eq("__name__", "up"));
        assertEquals(new Destination("d", "t"), labelsOnly.forQuery(named));
        assertEquals(List.of(Matcher.eq("__name__", "up")), labelsOnly.dataMatchers(named));
        assertEquals(Labels.of("db", "d", "tbl", "t"), labelsOnly.resultLabels(named));
        assertEquals(new Destination("defdb", "deftbl"), withDefaults.forQuery(List.of(Matcher.re("db", "d.*"))));
        DomainException e = assertThrows(DomainException.class, () -> labelsOnly.forQuery(List.of(Matcher.eq("tbl", "t"))));
        assertEquals(ErrorName.MISSING_DATABASE_WITH_QUERY, e.errorName());
        assertTrue(e.getMessage().contains("{db=\"<databaseName>\"}"), e.getMessage());
        e = assertThrows(DomainException.class, () -> labelsOnly.forQuery(List.of(Matcher.eq("db", "d"))));
        assertEquals(ErrorName.MISSING_TABLE_WITH_QUERY, e.errorName());
    }

    @Test
    void unconfiguredResolverIsReported() {
        DestinationResolver none = new DestinationResolver(null, "", null, null);
        assertEquals(false, none.isConfigured());
        assertThrows(DomainException.class, () -> none.forSeries(Labels.of("__name__", "up")));
    }
}
