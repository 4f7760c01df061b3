package io.roster.kit.web;

import io.roster.events.EmailAddress;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A request field that must be an email address by the one rule of {@link EmailAddress} (a null passes: pair it with
 * {@code @NotBlank} where the field is required). Use it instead of Bean Validation's {@code @Email}, which accepts
 * {@code ann@localhost}.
 */
@Documented
@Constraint(validatedBy = ValidEmailAddress.Validator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface ValidEmailAddress {

    String message() default EmailAddress.INVALID;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Checks with {@link EmailAddress#isValid}. */
    class Validator implements ConstraintValidator<ValidEmailAddress, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || EmailAddress.isValid(value);
        }
    }
}
