package io.tsconnector.application.service;

/**
 * Settings of the write validation options.
 *
 * @param failOnLongLabel {@code fail-on-long-label}: reject the whole request when a series breaks a
 *        Timestream name rule; default false (skip the series and count it)
 * @param failOnInvalidSampleValue {@code fail-on-invalid-sample-value}: reject the whole request on a
 *        non-finite value; default false (skip the sample and count it)
 */
public record WritePolicy(boolean failOnLongLabel, boolean failOnInvalidSampleValue) {
    public static final WritePolicy DEFAULT = new WritePolicy(false, false);
}
