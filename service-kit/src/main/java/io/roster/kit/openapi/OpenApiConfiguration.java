package io.roster.kit.openapi;

import io.roster.kit.idempotency.IdempotencyProperties;
import io.roster.kit.ratelimit.RateLimitProperties;
import io.roster.kit.security.PublicPaths;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.servers.Server;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The OpenAPI 3 document of a service ({@code /v3/api-docs}, Swagger UI at {@code /swagger-ui.html}), when the service
 * brings springdoc. The document and the UI describe the API and hold no data, so they need no token; nothing else
 * opens. docs/openapi/ holds the checked-in copies (README "API contract").
 */
@AutoConfiguration
@ConditionalOnClass(name = "org.springdoc.core.customizers.OpenApiCustomizer")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
public class OpenApiConfiguration {

    /** springdoc's document (and its .yaml), the UI page and its assets and configuration. */
    static final List<String> DOCUMENT_PATHS = List.of("/v3/api-docs", "/v3/api-docs.yaml", "/v3/api-docs/**",
            "/swagger-ui.html", "/swagger-ui/**", "/webjars/swagger-ui/**");

    @Bean
    PublicPaths openApiDocumentPaths() {
        return new PublicPaths(DOCUMENT_PATHS);
    }

    /** Title and a relative server: the same document serves the service itself and the public origin. */
    @Bean
    @ConditionalOnMissingBean
    OpenAPI rosterOpenApi(Environment environment) {
        String service = environment.getProperty("spring.application.name", "roster");
        return new OpenAPI()
                .info(new Info().title("Roster " + service).version("v1")
                        .description("Part of the Roster API (PRODUCT.md). Errors are RFC 9457 application/problem+json "
                                + "with a stable `code`; lists page with `limit` and `cursor`; commands accept "
                                + "`Idempotency-Key` and answer a `Consistency-Token` that reads send back."))
                .servers(List.of(new Server().url("/")));
    }

    @Bean
    RosterOperationCustomizer rosterOperationCustomizer() {
        return new RosterOperationCustomizer();
    }

    @Bean
    RosterOpenApiCustomizer rosterOpenApiCustomizer(ObjectProvider<PublicPaths> publicPaths,
                                                    ObjectProvider<IdempotencyProperties> idempotency,
                                                    ObjectProvider<RateLimitProperties> rateLimits) {
        List<String> open = new ArrayList<>();
        publicPaths.orderedStream().forEach(p -> open.addAll(p.patterns()));
        // without the filter no POST honours the header
        Set<String> notIdempotent = idempotency.getIfAvailable() == null ? null
                : Set.copyOf(idempotency.getIfAvailable().excludedPaths());
        List<RosterOpenApiCustomizer.Route> limited = rateLimits.getIfAvailable() == null ? List.of()
                : rateLimits.getIfAvailable().paths().stream()
                        .map(p -> new RosterOpenApiCustomizer.Route(p.method(), p.path())).toList();
        return new RosterOpenApiCustomizer(open, notIdempotent, limited);
    }
}
