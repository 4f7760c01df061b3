package io.roster.kit.openapi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documentation only: how an endpoint takes part in read-your-writes (PRODUCT.md §2), so the OpenAPI document shows
 * the {@code Consistency-Token} header where it is used. On a class it applies to every endpoint of the class that
 * can do it: {@link Role#WAITS} to its GETs, {@link Role#ISSUES} to the others.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface ReadYourWrites {

    Role value();

    enum Role {
        /** A read that accepts a Consistency-Token and waits (up to 5 s) until its projection reflects it. */
        WAITS,
        /** A command whose success answer carries the Consistency-Token of what it changed. */
        ISSUES
    }
}
