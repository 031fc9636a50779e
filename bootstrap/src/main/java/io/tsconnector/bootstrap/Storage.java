package io.tsconnector.bootstrap;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The storage the connector writes to and reads from ({@code --storage}). */
public enum Storage {
    /** Amazon Timestream through the AWS SDK (default). */
    TIMESTREAM,
    /** The embedded Timestream-compatible engine on H2, under {@code --local.path}; no AWS account needed. */
    LOCAL,
    /** In-process memory; nothing survives a restart. For tests and trying the protocol. */
    MEMORY,
    /** Timestream for InfluxDB, InfluxDB 2/3 or 1.x through the v1 API ({@code --influxdb.*} options). */
    INFLUXDB;

    public static Storage parse(String value) {
        for (Storage s : values()) {
            if (s.text().equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("invalid storage '" + value + "': accepted values are " + allowed());
    }

    public static String allowed() {
        return Arrays.stream(values()).map(Storage::text).collect(Collectors.joining(", "));
    }

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
