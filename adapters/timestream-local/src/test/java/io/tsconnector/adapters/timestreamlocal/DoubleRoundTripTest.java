package io.tsconnector.adapters.timestreamlocal;

import static io.tsconnector.adapters.timestreamlocal.Records.queryAll;
import static io.tsconnector.adapters.timestreamlocal.Records.rec;
import static io.tsconnector.adapters.timestreamlocal.Records.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.timestreamwrite.model.Record;

class DoubleRoundTripTest {
    @Test
    void valuesComeBackBitForBit() {
        double[] values = {1e-9, 1e300, 0.0, Double.MIN_VALUE, -Double.MAX_VALUE, 9007199254740993.0, 0.1 + 0.2, Math.PI};
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

    /** H2 folds negative zero into positive zero in DOUBLE columns; the engine documents this loss of the sign. */
    @Test
    void negativeZeroComesBackAsZero() {
        try (LocalTimestream ts = LocalTimestream.open(Records.memName(), true)) {
            ts.writeClient().writeRecords(write("db", "t", rec("v", -0.0, 1)));
            assertEquals(List.of(List.of("0.0")), queryAll(ts.queryClient(), "SELECT measure_value::double FROM \"db\".\"t\""));
        }
    }
}
