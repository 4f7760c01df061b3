package io.roster.invitation;

import io.roster.testsupport.openapi.OpenApiDocumentCheck;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * docs/openapi/invitation-service.yaml is what this service serves at /v3/api-docs, names every route it maps, parses
 * without a message, and opening the document opened no endpoint ({@link OpenApiDocumentCheck}). In the shared
 * context of {@link AbstractServiceTest}: no context of its own.
 */
class OpenApiDocumentTest extends AbstractServiceTest {

    @Autowired
    private ApplicationContext context;

    @Test
    void theCheckedInDocumentIsCurrentCompleteAndValidAndOnlyTheDocsAreOpen() {
        new OpenApiDocumentCheck("invitation-service", "OpenApiDocumentTest", web, context)
                .leavingOut("browser pages: HTML and forms under their own CSRF-protected security chain, not API",
                        "InvitePageController", "InviteAccountController", "AccountLinkPages")
                .run();
    }
}
