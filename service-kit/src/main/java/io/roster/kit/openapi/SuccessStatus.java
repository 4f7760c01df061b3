package io.roster.kit.openapi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The status an endpoint answers on success when it is not 200: 201 created, 202 accepted, 204 no content. The handler's
 * {@code ResponseEntity} sets the status; springdoc cannot see it there and documents 200, so this says it for the
 * OpenAPI document ({@link RosterOperationCustomizer} moves the success response to this code). Documentation only.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface SuccessStatus {
    int value();
}
