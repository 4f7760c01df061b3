package io.roster.kit.security;

import java.util.List;

/** Path patterns a service serves without a token (besides health and metrics). Declare one as a bean. */
public record PublicPaths(List<String> patterns) {
    public static PublicPaths of(String... patterns) {
        return new PublicPaths(List.of(patterns));
    }
}
