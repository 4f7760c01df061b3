package io.roster.identity;

import io.roster.testsupport.openapi.OpenApiDocumentCheck;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * docs/openapi/identity-command-service.yaml is what this service serves at /v3/api-docs, names every route it maps, parses
 * without a message, and opening the document opened no endpoint ({@link OpenApiDocumentCheck}). In the shared
 * context of {@link IdentityHttpTest}: no context of its own.
 */
class OpenApiDocumentTest extends IdentityHttpTest {

    @Autowired
    private ApplicationContext context;

    @Test
    void theCheckedInDocumentIsCurrentCompleteAndValidAndOnlyTheDocsAreOpen() {
        new OpenApiDocumentCheck("identity-command-service", "OpenApiDocumentTest", web, context).run();
    }
}
