package io.roster.invitation.web;

import org.springframework.security.web.reactive.result.view.CsrfRequestDataValueProcessor;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Gives the invite pages their CSRF token: as the {@code csrf} model attribute (the scripts' fetch sends it), and
 * resolved under {@code _csrf}, where Spring Security's request data value processor finds it to add the hidden
 * field to every {@code th:action} form.
 */
@ControllerAdvice(assignableTypes = {InvitePageController.class, InviteAccountController.class})
class CsrfTokenAdvice {

    @ModelAttribute("csrf")
    Mono<CsrfToken> csrfToken(ServerWebExchange exchange) {
        Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
        return token == null ? Mono.empty() : token.doOnSuccess(resolved -> {
            if (resolved != null) {
                exchange.getAttributes().put(CsrfRequestDataValueProcessor.DEFAULT_CSRF_ATTR_NAME, resolved);
            }
        });
    }
}
