package io.tsconnector.application.port.in;

/** Inbound port: store the samples of one remote-write request. */
public interface WriteSeriesUseCase {
    /**
     * @throws io.tsconnector.application.NeverRetryException with kind INVALID when a fail-on option
     *         rejects the request; nothing is written then
     */
    WriteOutcome write(WriteCommand command);
}
