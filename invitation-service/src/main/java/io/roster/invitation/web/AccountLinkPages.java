package io.roster.invitation.web;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.reactive.result.view.Rendering;

/**
 * The pages behind the links of the email-verification, account-setup and password-reset emails ({@code roster.notification.links.*},
 * relative to the public base URL, which is this service, like the invitation link). As on the {@code /invite} pages,
 * this service never calls the identity service: the page's script posts the token (and for a set-up the new
 * password) there. Verifying waits for a click rather than happening when the page opens, because mail scanners open
 * links too. Tokens are never logged.
 */
@Controller
class AccountLinkPages {

    private final InvitePagesProperties properties;

    AccountLinkPages(InvitePagesProperties properties) {
        this.properties = properties;
    }

    @GetMapping("/verify-email")
    Rendering verifyEmail(@RequestParam(required = false) String token) {
        return page("account/verify-email", token);
    }

    @GetMapping("/account-setup")
    Rendering setUpAccount(@RequestParam(required = false) String token) {
        return page("account/account-setup", token);
    }

    /** A password-reset link, or the owner's link to take back an account never verified: both choose a new password. */
    @GetMapping("/password-reset")
    Rendering resetPassword(@RequestParam(required = false) String token) {
        return page("account/password-reset", token);
    }

    private Rendering page(String view, String token) {
        if (!InviteCookies.looksLikeToken(token)) {
            return Rendering.view("account/link-broken").status(HttpStatus.BAD_REQUEST).build();
        }
        return Rendering.view(view)
                .modelAttribute("token", token)
                .modelAttribute("identityUrl", properties.identityUrl())
                .build();
    }
}
