package io.tsconnector.adapters.timestream;

import io.tsconnector.application.NeverRetryException;
import io.tsconnector.application.RetryLaterException;
import io.tsconnector.application.StorageException;
import java.util.Locale;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Translation of AWS SDK exceptions (of both Timestream clients) into the application's retry-later /
 * never-retry exceptions. The SDK's own retries have already run when an exception arrives here.
 */
final class TimestreamErrors {
    private static final Pattern MISSING_COLUMN = Pattern.compile(
            "(?i)column\\s+\\S+\\s+(does not exist|not found|cannot be resolved)");
    private static final Pattern MISSING_TABLE = Pattern.compile(
            "(?i)(database|table)\\s+\\S+\\s+(does not exist|not found)|(database|table) not found");

    private TimestreamErrors() {
    }

    /** The error code: the modeled exception's class name, else the code the service sent. */
    static String code(Throwable e) {
        if (e instanceof AwsServiceException a) {
            if (a.awsErrorDetails() != null && a.awsErrorDetails().errorCode() != null) {
                return a.awsErrorDetails().errorCode();
            }
        }
        return e.getClass().getSimpleName();
    }

    /** Whether a query failed because a column named in it does not exist. */
    static boolean isMissingColumn(Throwable e) {
        return code(e).equals("ValidationException") && e.getMessage() != null
                && MISSING_COLUMN.matcher(e.getMessage()).find();
    }

    /**
     * The application exception for a failed call.
     *
     * @param operation what failed, for the message ("WriteRecords to db.table")
     */
    static StorageException translate(String operation, Throwable e) {
        String message = operation + " failed: " + describe(e);
        if (e instanceof StorageException s) {
            return s;
        }
        if (e instanceof SdkClientException) {
            String text = String.valueOf(e.getMessage());
            if (text.contains("Unable to load credentials")) {
                return new NeverRetryException(NeverRetryException.Kind.ACCESS_DENIED, message, e);
            }
            return new RetryLaterException(message, e);
        }
        if (!(e instanceof SdkServiceException service)) {
            return new RetryLaterException(message, e);
        }
        String code = code(e);
        switch (code) {
            case "ValidationException", "QueryExecutionException" -> {
                if (e.getMessage() != null && MISSING_TABLE.matcher(e.getMessage()).find()) {
                    return new NeverRetryException(NeverRetryException.Kind.NOT_FOUND, message, e);
                }
                return new NeverRetryException(NeverRetryException.Kind.INVALID, message, e);
            }
            case "ResourceNotFoundException" -> {
                return new NeverRetryException(NeverRetryException.Kind.NOT_FOUND, message, e);
            }
            case "AccessDeniedException", "UnrecognizedClientException", "InvalidSignatureException",
                 "MissingAuthenticationTokenException", "ExpiredTokenException", "InvalidClientTokenId",
                 "IncompleteSignature" -> {
                return new NeverRetryException(NeverRetryException.Kind.ACCESS_DENIED, message, e);
            }
            default -> {
                // throttling, 5xx, quota, endpoint rotation and anything unknown may clear later
                if (service.statusCode() == 403 && !service.isThrottlingException()) {
                    return new NeverRetryException(NeverRetryException.Kind.ACCESS_DENIED, message, e);
                }
                return new RetryLaterException(message, e);
            }
        }
    }

    /** The exception's message with its class and the AWS request id, if any. */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(code(e));
        String text = e instanceof AwsServiceException a && a.awsErrorDetails() != null
                && a.awsErrorDetails().errorMessage() != null ? a.awsErrorDetails().errorMessage() : e.getMessage();
        if (text != null) {
            sb.append(": ").append(text);
        }
        if (e instanceof SdkServiceException s && s.requestId() != null
                && (text == null || !text.toLowerCase(Locale.ROOT).contains("request id"))) {
            sb.append(" (request id ").append(s.requestId()).append(')');
        }
        return sb.toString();
    }
}
