package io.tsconnector.adapters.protocol;

/** Case-insensitive access to the headers of an inbound request, whatever carried it. */
@FunctionalInterface
public interface RequestHeaders {
    /** The first value of the header, or null. */
    String get(String name);
}
