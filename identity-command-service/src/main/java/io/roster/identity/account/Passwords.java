package io.roster.identity.account;

import io.roster.identity.config.IdentityProperties;
import io.roster.kit.web.ApiProblem;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Passwords are hashed with bcrypt (cost 12 by default), a slow hash made for the purpose. bcrypt reads at
 * most 72 bytes, so longer passwords are refused rather than silently cut.
 */
@Configuration
class Passwords {

    static final int MIN_LENGTH = 8;
    static final int MAX_BYTES = 72;

    @Bean
    PasswordEncoder passwordEncoder(IdentityProperties properties) {
        return new BCryptPasswordEncoder(properties.passwordHashCost());
    }

    /** The problems of a new password, for a {@code validation_failed} answer. */
    static List<ApiProblem.FieldProblem> check(String field, String password) {
        List<ApiProblem.FieldProblem> problems = new ArrayList<>();
        if (password == null || password.isBlank()) {
            problems.add(new ApiProblem.FieldProblem(field, "must not be blank"));
        } else if (password.codePointCount(0, password.length()) < MIN_LENGTH) {
            problems.add(new ApiProblem.FieldProblem(field, "must have at least " + MIN_LENGTH + " characters"));
        } else if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            problems.add(new ApiProblem.FieldProblem(field, "must be at most " + MAX_BYTES + " bytes in UTF-8"));
        }
        return problems;
    }
}
