package io.roster.kit.web;

import io.roster.events.identity.OrganizationRole;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A request's role name, one of {@link OrganizationRole} (a null passes: pair it with {@code @NotNull}). */
@Documented
@Constraint(validatedBy = ValidOrganizationRole.Validator.class)
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.TYPE_USE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
public @interface ValidOrganizationRole {

    String message() default "must be " + OrganizationRole.ROLE_LIST;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Checks with {@link OrganizationRole#isRole}. */
    class Validator implements ConstraintValidator<ValidOrganizationRole, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || OrganizationRole.isRole(value);
        }
    }
}
