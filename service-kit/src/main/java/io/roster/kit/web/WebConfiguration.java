package io.roster.kit.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.roster.kit.correlation.CorrelationIdFilter;
import org.openapitools.jackson.nullable.JsonNullableModule;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.web.reactive.error.ErrorWebFluxAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;

/** The shared web layer: problem+json for every error, body size limit, correlation ids, HSTS behind HTTPS. */
@AutoConfiguration(before = ErrorWebFluxAutoConfiguration.class)
@EnableConfigurationProperties({WebLimits.class, TransportSecurity.class})
public class WebConfiguration {

    /** {@code JsonNullable} fields of PATCH requests: left out (undefined), sent as null, or sent with a value. */
    @Bean
    JsonNullableModule jsonNullableModule() {
        return new JsonNullableModule();
    }

    @Bean
    ProblemWriter problemWriter(ObjectMapper mapper) {
        return new ProblemWriter(mapper);
    }

    @Bean
    @Order(-2)
    ProblemWebExceptionHandler problemWebExceptionHandler(ProblemWriter writer) {
        return new ProblemWebExceptionHandler(writer);
    }

    @Bean
    RequestSizeLimitFilter requestSizeLimitFilter(WebLimits limits) {
        return new RequestSizeLimitFilter(limits.maxBodyBytes());
    }

    @Bean
    StrictTransportSecurityFilter strictTransportSecurityFilter(TransportSecurity settings) {
        return new StrictTransportSecurityFilter(settings);
    }

    @Bean
    CorrelationIdFilter correlationIdFilter() {
        return new CorrelationIdFilter();
    }
}
