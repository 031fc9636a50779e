package io.tsconnector.adapters.timestreamlocal;

import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.timestreamwrite.model.RejectedRecord;

/** Builds the SDK exceptions the real service would return, with Timestream's status codes. */
final class Errors {
    static final String WRITE_SERVICE = "Timestream Write";
    static final String QUERY_SERVICE = "Timestream Query";

    private Errors() {
    }

    private static AwsErrorDetails details(String service, String code, String message) {
        return AwsErrorDetails.builder().serviceName(service).errorCode(code).errorMessage(message).build();
    }

    static software.amazon.awssdk.services.timestreamwrite.model.ValidationException writeValidation(String message) {
        return software.amazon.awssdk.services.timestreamwrite.model.ValidationException.builder()
                .message(message).statusCode(400)
                .awsErrorDetails(details(WRITE_SERVICE, "ValidationException", message)).build();
    }

    static software.amazon.awssdk.services.timestreamwrite.model.ResourceNotFoundException writeNotFound(String message) {
        return software.amazon.awssdk.services.timestreamwrite.model.ResourceNotFoundException.builder()
                .message(message).statusCode(404)
                .awsErrorDetails(details(WRITE_SERVICE, "ResourceNotFoundException", message)).build();
    }

    static software.amazon.awssdk.services.timestreamwrite.model.ConflictException conflict(String message) {
        return software.amazon.awssdk.services.timestreamwrite.model.ConflictException.builder()
                .message(message).statusCode(409)
                .awsErrorDetails(details(WRITE_SERVICE, "ConflictException", message)).build();
    }

    static software.amazon.awssdk.services.timestreamwrite.model.InternalServerException writeInternal(String message, Throwable cause) {
        return software.amazon.awssdk.services.timestreamwrite.model.InternalServerException.builder()
                .message(message).statusCode(500).cause(cause)
                .awsErrorDetails(details(WRITE_SERVICE, "InternalServerException", message)).build();
    }

    static software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException rejected(List<RejectedRecord> records) {
        String message = "One or more records have been rejected. See RejectedRecords for details.";
        return software.amazon.awssdk.services.timestreamwrite.model.RejectedRecordsException.builder()
                .message(message).statusCode(419).rejectedRecords(records)
                .awsErrorDetails(details(WRITE_SERVICE, "RejectedRecordsException", message)).build();
    }

    static software.amazon.awssdk.services.timestreamquery.model.ValidationException queryValidation(String message) {
        return software.amazon.awssdk.services.timestreamquery.model.ValidationException.builder()
                .message(message).statusCode(400)
                .awsErrorDetails(details(QUERY_SERVICE, "ValidationException", message)).build();
    }

    static software.amazon.awssdk.services.timestreamquery.model.InternalServerException queryInternal(String message, Throwable cause) {
        return software.amazon.awssdk.services.timestreamquery.model.InternalServerException.builder()
                .message(message).statusCode(500).cause(cause)
                .awsErrorDetails(details(QUERY_SERVICE, "InternalServerException", message)).build();
    }
}
