package io.roster.identity;

import io.roster.testsupport.openapi.ValidationSweep;
import org.junit.jupiter.api.Test;

/** Issue 17 item 9: bad JSON bodies on every endpoint get a problem naming what is wrong; in the shared context. */
class ValidationSweepTest extends IdentityHttpTest {

    @Test
    void everyBadBodyIsAProblemNamingItsFields() {
        new ValidationSweep("identity-command-service", web, adminToken()).run();
    }
}
