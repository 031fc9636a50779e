package io.tsconnector.adapters.timestreamlocal;

import static io.tsconnector.adapters.timestreamlocal.Records.queryAll;
import static io.tsconnector.adapters.timestreamlocal.Records.rec;
import static io.tsconnector.adapters.timestreamlocal.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.timestreamwrite.model.Record;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException;

class DoubleRoundTripTest {
    @Test
    void valuesComeBackBitForBit() {
        double[] values = {1e-9, 1e300, 0.0, -0.0, Double.MIN_VALUE, -Double.MAX_VALUE, 9007199254740993.0, 0.1 + 0.2, Math.PI};
        try (LocalTimestream ts = LocalTimestream.open(Records.memName(), true)) {
            List<Record> records = new ArrayList<>();
            for (int i = 0; i < values.length; i++) {
                records.add(rec("v", values[i], i + 1, "i", Integer.toString(i)));
            }
            ts.writeClient().writeRecords(write("db", "t", records));
            List<List<String>> rows = queryAll(ts.queryClient(), "SELECT measure_value::double FROM \"db\".\"t\" ORDER BY time");
            for (int i = 0; i < values.length; i++) {
                double back = Double.parseDouble(rows.get(i).get(0));
                assertEquals(Double.doubleToRawLongBits(values[i]), Double.doubleToRawLongBits(back), "value " + values[i]);
            }
        }
    }

    /** H2 folds -0.0 into 0.0 in DOUBLE values; the engine keeps the sign yet computes with it as a number. */
    @Test
    void negativeZeroKeepsItsSignAndIsANumberInExpressions() {
        try (LocalTimestream ts = LocalTimestream.open(Records.memName(), true)) {
            ts.writeClient().writeRecords(write("db", "t", rec("v", -0.0, 1, "i", "neg"), rec("v", 2.5, 2, "i", "pos"),
                    rec("v", 10.0, 3, "i", "ten")));
            assertEquals(List.of(List.of("-0.0")), queryAll(ts.queryClient(),
                    "SELECT measure_value::double FROM \"db\".\"t\" WHERE measure_value::double = 0"));
            assertEquals(List.of(List.of("neg", "-0.0"), List.of("pos", "2.5"), List.of("ten", "10.0")), queryAll(ts.queryClient(),
                    "SELECT \"i\", measure_value::double AS v FROM \"db\".\"t\" ORDER BY measure_value::double"));
            assertEquals(List.of(List.of("12.5")), queryAll(ts.queryClient(),
                    "SELECT sum(measure_value::double) FROM \"db\".\"t\" WHERE measure_value::double >= -0.0"));
        }
    }

    /** A stored -0.0 and a new 0.0 are different values: Timestream compares the values written, and so does the engine. */
    @Test
    void zeroAfterNegativeZeroIsADifferentValue() {
        try (LocalTimestream ts = LocalTimestream.open(Records.memName(), true)) {
            ts.writeClient().writeRecords(write("db", "t", rec("v", -0.0, 1)));
            ts.writeClient().writeRecords(write("db", "t", rec("v", -0.0, 1)));
            assertThrows(RejectedRecordsException.class, () -> ts.writeClient().writeRecords(write("db", "t", rec("v", 0.0, 1))));
            assertEquals(List.of(List.of("-0.0")), queryAll(ts.queryClient(), "SELECT measure_value::double FROM \"db\".\"t\""));
        }
    }
}
