package io.tsconnector.bootstrap;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.prometheus.client.CollectorRegistry;
import io.tsconnector.adapters.lambda.ApiGatewayV2Handler;
import io.tsconnector.adapters.protocol.ConnectorMetrics;
import io.tsconnector.application.port.out.SeriesReader;
import io.tsconnector.application.port.out.SeriesWriter;
import io.tsconnector.bootstrap.logging.ConnectorLoggerFinder;
import io.tsconnector.bootstrap.logging.JulBridge;
import io.tsconnector.bootstrap.logging.LogSettings;
import io.tsconnector.domain.ErrorName;
import java.lang.System.Logger.Level;
import java.util.Map;

/**
 * Entry point on AWS Lambda, handler {@code io.tsconnector.bootstrap.LambdaEntry::handleRequest}: wires the
 * connector from the function's environment variables once per container and answers API Gateway HTTP API
 * (payload 2.0) events. A function that cannot serve (bad variable, no destination, storage that cannot be
 * opened) answers every invocation with the reason and logs it, rather than failing to start.
 */
public final class LambdaEntry implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final System.Logger LOG = System.getLogger(LambdaEntry.class.getName());

    /** Built on first use, i.e. in the container's init phase, and shared by every invocation it serves. */
    private static final class Container {
        static final ApiGatewayV2Handler HANDLER = fromEnvironment(System.getenv());
        static final LambdaBasicAuth AUTH = LambdaBasicAuth.fromEnvironment(System.getenv());
    }

    private final ApiGatewayV2Handler handler;
    private final LambdaBasicAuth auth;

    /** Called by the Lambda runtime. */
    public LambdaEntry() {
        this(Container.HANDLER, Container.AUTH);
    }

    LambdaEntry(ApiGatewayV2Handler handler) {
        this(handler, LambdaBasicAuth.OPEN);
    }

    LambdaEntry(ApiGatewayV2Handler handler, LambdaBasicAuth auth) {
        this.handler = handler;
        this.auth = auth;
    }

    ApiGatewayV2Handler handler() {
        return handler;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        APIGatewayV2HTTPResponse refused = auth.refusal(event);
        return refused != null ? refused : handler.handle(event);
    }

    /** The handler the environment describes; never throws. */
    static ApiGatewayV2Handler fromEnvironment(Map<String, String> env) {
        ConnectorSettings settings;
        try {
            settings = LambdaSettings.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            JulBridge.installIfNeeded(LogSettings.DEFAULT);
            return cannotServe(500, e.getMessage() + " (fix the environment variable of the Lambda function)");
        }
        ConnectorLoggerFinder.configure(settings.log());
        JulBridge.installIfNeeded(settings.log());
        StorageWiring.Store store;
        try {
            store = StorageWiring.build(settings.storage(), settings.caches(), new CollectorRegistry(), new ConnectorMetrics(new CollectorRegistry()));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "Cannot open the " + settings.storage().storage().text() + " storage", e);
            return cannotServe(500, "cannot open the " + settings.storage().storage().text() + " storage: " + e.getMessage());
        }
        return forStore(settings, store.writer(), store.reader());
    }

    /** The handler over the given store, e.g. an in-memory fake in tests. */
    static ApiGatewayV2Handler forStore(ConnectorSettings settings, SeriesWriter writer, SeriesReader reader) {
        // No telemetry endpoint on Lambda (web.telemetry-path does not apply), so the metrics stay private.
        Endpoints endpoints = Endpoints.wire(settings, writer, reader, new ConnectorMetrics(new CollectorRegistry()));
        if (!endpoints.destinations().isConfigured()) {
            return cannotServe(400, ErrorName.MISSING_DESTINATION.text() + ": set the environment variables "
                    + "database_label and table_label (or default_database and default_table) of the Lambda function");
        }
        LOG.log(Level.INFO, "Timestream Prometheus connector " + BuildInfo.CURRENT.version() + " (revision "
                + BuildInfo.CURRENT.revision() + ") ready on AWS Lambda: " + LambdaSettings.summary(settings));
        return new ApiGatewayV2Handler(endpoints.pipeline());
    }

    private static ApiGatewayV2Handler cannotServe(int status, String message) {
        LOG.log(Level.ERROR, "The function cannot serve requests; every invocation is answered " + status + ": " + message);
        return ApiGatewayV2Handler.answeringAlways(status, message);
    }
}
