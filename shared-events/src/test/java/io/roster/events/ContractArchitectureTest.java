package io.roster.events;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.roster.events.identity.IdentityEvent;
import io.roster.events.invitation.InvitationEvent;
import io.roster.events.notification.NotificationEvent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The contract stays a plain library that any consumer can take, and its events stay records. */
@AnalyzeClasses(packages = "io.roster.events", importOptions = ImportOption.DoNotIncludeTests.class)
class ContractArchitectureTest {

    @ArchTest
    static final ArchRule noSpringNorAxon = noClasses()
            .that().resideInAPackage("io.roster.events..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.axonframework..");

    @ArchTest
    static final ArchRule eventsAreRecordsWithARevision = classes()
            .that().implement(RosterEvent.class)
            .should().beRecords()
            .andShould().beAnnotatedWith(Revision.class);

    @ArchTest
    static final ArchRule eventsBelongToAContext = classes()
            .that().implement(RosterEvent.class)
            .should().implement(IdentityEvent.class)
            .orShould().implement(InvitationEvent.class)
            .orShould().implement(NotificationEvent.class)
            .because("only the sealed families of the contexts are in the catalogue, hence on Kafka");
}
