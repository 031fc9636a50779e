package io.tsconnector.adapters.protocol;

import io.tsconnector.domain.SeriesQuery;
import java.util.List;

/**
 * A decoded remote-read request: its queries and whether the client prefers streamed XOR chunks
 * (the first accepted response type it lists).
 */
public record DecodedRead(List<SeriesQuery> queries, boolean prefersStreamedChunks, boolean acceptsSamples) {
}
