package io.roster.invitation;

import io.roster.testsupport.TestTokenIssuer;
import io.roster.testsupport.openapi.ValidationSweep;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Issue 17 item 9: bad JSON bodies on every endpoint get a problem naming what is wrong; in the shared context. */
class ValidationSweepTest extends AbstractServiceTest {

    @Test
    void everyBadBodyIsAProblemNamingItsFields() {
        new ValidationSweep("invitation-service", web,
                TestTokenIssuer.get().tokenFor(UUID.randomUUID(), "root@roster.local", List.of("provider-admin"))).run();
    }
}
