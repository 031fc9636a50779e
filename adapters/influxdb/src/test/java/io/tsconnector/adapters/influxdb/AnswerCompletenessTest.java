package io.tsconnector.adapters.influxdb;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tsconnector.application.RetryLaterException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * An answer cut where a document ends reads like a shorter whole one: InfluxDB answers every statement of a
 * request, the last part of each without {@code "partial": true} (as influxd 1.6 does, chunked), so a cut
 * answer is told and the read tried again rather than answered with fewer samples.
 */
class AnswerCompletenessTest {
    private static final String EMPTY0 = "{\"results\":[{\"statement_id\":0}]}\n";
    private static final String PART1 = "{\"results\":[{\"statement_id\":1,\"series\":[{\"name\":\"m\",\"tags\":{\"s\":\"x\"},"
            + "\"columns\":[\"time\",\"measure_value::double\"],\"values\":[[1,1.5]],\"partial\":true}],\"partial\":true}]}\n";
    private static final String LAST1 = "{\"results\":[{\"statement_id\":1,\"series\":[{\"name\":\"m\",\"tags\":{\"s\":\"x\"},"
            + "\"columns\":[\"time\",\"measure_value::double\"],\"values\":[[2,2.5]]}]}]}\n";
    private static final String EMPTY2 = "{\"results\":[{\"statement_id\":2}]}\n";

    private static InfluxSeriesReader.Accumulator read(String answer) throws IOException {
        InfluxSeriesReader.Accumulator a = new InfluxSeriesReader.Accumulator("q", LineProtocol.FIELD, null, 4);
        a.parse(new ByteArrayInputStream(answer.getBytes(StandardCharsets.UTF_8)), false);
        return a;
    }

    @Test
    void aWholeAnswerPasses() throws IOException {
        read(EMPTY0 + PART1 + LAST1 + EMPTY2).checkComplete(3);
        read(EMPTY0).checkComplete(1);
    }

    @Test
    void anAnswerCutAtADocumentIsTold() throws IOException {
        RetryLaterException partial = assertThrows(RetryLaterException.class, () -> read(EMPTY0 + PART1).checkComplete(3));
        assertTrue(partial.getMessage().contains("partial"), partial.getMessage());
        RetryLaterException short1 = assertThrows(RetryLaterException.class, () -> read(EMPTY0 + PART1 + LAST1).checkComplete(3));
        assertTrue(short1.getMessage().contains("statement 2 of 3"), short1.getMessage());
        assertThrows(RetryLaterException.class, () -> read("").checkComplete(1), "no result at all");
    }
}
