package io.roster.kit.openapi;

import io.roster.events.ProblemCode;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The rule codes an endpoint may answer besides the ones every endpoint of its kind may (a token, a body, a path id:
 * {@link RosterOpenApiCustomizer} adds those). Documentation only: the OpenAPI document lists them under their HTTP
 * status. On a class it applies to every endpoint of the class.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface ProblemCodes {
    ProblemCode[] value();
}
