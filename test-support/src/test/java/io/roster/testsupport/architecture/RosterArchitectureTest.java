package io.roster.testsupport.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every rule of {@link RosterArchitecture} is seen failing on classes that break it on purpose
 * ({@code io.roster.violating}) and passing on classes that keep it ({@code io.roster.conforming}), on every build:
 * a rule that stopped seeing its violations would fail here, not pass silently in the services.
 */
class RosterArchitectureTest {

    private static final JavaClasses VIOLATING = new ClassFileImporter().importPackages("io.roster.violating");
    private static final JavaClasses CONFORMING = new ClassFileImporter().importPackages("io.roster.conforming");

    @Test
    void aggregatesAndCommandsMayNotUseSpringMongoHttpOrAnotherFeature() {
        String report = violations(RosterArchitecture.aggregatesAndCommandsDependOnlyOnTheModel);

        assertThat(report)
                .as("an @Aggregate that uses Spring").contains("Ledger", "org.springframework.util.Assert")
                .as("an @Aggregate that uses another feature package").contains("<io.roster.violating.audit.AuditTrail.record")
                .as("a *Command that carries a type of another feature package")
                .contains("Field <io.roster.violating.ledger.OpenLedgerCommand.trail> has type <io.roster.violating.audit.AuditTrail>")
                .as("a command known by @TargetAggregateIdentifier that carries a MongoDB document")
                .contains("Field <io.roster.violating.ledger.CloseLedger.reason> has type <org.bson.Document>")
                .as("an aggregate known by its @EventSourcingHandler that uses HTTP")
                .contains("io.roster.violating.ledger.Account", "org.springframework.http.HttpStatus");
        assertThat(report).as("a projection is no aggregate").doesNotContain("LedgerProjection");
        assertPasses(RosterArchitecture.aggregatesAndCommandsDependOnlyOnTheModel);
    }

    @Test
    void featurePackagesMayNotDependOnEachOtherBothWays() {
        assertThat(violations(RosterArchitecture.noCyclesBetweenFeaturePackages))
                .contains("Cycle detected: violating.audit -> ", "violating.ledger -> ");
        assertPasses(RosterArchitecture.noCyclesBetweenFeaturePackages);
    }

    @Test
    void noHttpClientOfAnyKind() {
        assertThat(violations(RosterArchitecture.noHttpClients)).contains(
                "<org.springframework.web.reactive.function.client.WebClient>",
                "<org.springframework.web.client.RestTemplate>",
                "<org.springframework.web.client.RestClient>",
                "<java.net.http.HttpClient>",
                "<java.net.HttpURLConnection>",
                "<reactor.netty.http.client.HttpClient>");
        assertPasses(RosterArchitecture.noHttpClients);
    }

    @Test
    void projectionsAndReadModelWritersMayNotUseWebCode() {
        assertThat(violations(RosterArchitecture.projectionsDoNotDependOnWebCode))
                .as("a *Projection that reads the request")
                .contains("AuditProjection", "<org.springframework.web.server.ServerWebExchange>")
                .as("an @EventHandler writer that is a web endpoint")
                .contains("BalanceWriter", "org.springframework.web.bind.annotation.GetMapping");
        assertPasses(RosterArchitecture.projectionsDoNotDependOnWebCode);
    }

    @Test
    void aProjectionMayNotCallAnother() {
        assertThat(violations(RosterArchitecture.projectionsDoNotCallOtherProjections))
                .contains("<io.roster.violating.audit.AuditProjection", "<io.roster.violating.ledger.LedgerProjection.balance()>");
        assertPasses(RosterArchitecture.projectionsDoNotCallOtherProjections);
    }

    private static String violations(ArchRule rule) {
        EvaluationResult result = rule.evaluate(VIOLATING);
        assertThat(result.hasViolation()).as("%s fails on io.roster.violating", rule.getDescription()).isTrue();
        return String.join("\n", result.getFailureReport().getDetails());
    }

    private static void assertPasses(ArchRule rule) {
        EvaluationResult result = rule.evaluate(CONFORMING);
        assertThat(result.getFailureReport().getDetails()).as("%s on io.roster.conforming", rule.getDescription()).isEmpty();
    }
}
