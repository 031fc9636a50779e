package io.tsconnector.it.reliability;

import org.junit.jupiter.api.Test;

/**
 * Benchmark: 10x the sustainable write rate from 400 clients for a minute against the connector process on the
 * fake Timestream endpoint at 20 ms per call; prints the status mix, latencies, RSS, health latency, recovery
 * time and whether everything answered 2xx is stored. Options: {@code -Doverload.clients= .seconds= .factor=
 * .callLatencyMs= .seriesPerRequest= .samplesPerSeries= .warmupClients= .warmupSeconds=}.
 */
class OverloadBenchmark {
    @Test
    void overload() throws Exception {
        Overload.Options o = Overload.Options.fromProperties(new Overload.Options(400, 60, 16, 15, 10, 50, 10, 20));
        System.out.println("OverloadBenchmark: " + o);
        Overload.run(o, System.out).print(System.out);
    }
}
