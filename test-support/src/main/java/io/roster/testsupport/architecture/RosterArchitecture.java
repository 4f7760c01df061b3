package io.roster.testsupport.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import java.util.Optional;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The boundaries every Roster service keeps, as ArchUnit rules. A service applies them all with
 * {@code @ArchTest static final ArchTests boundaries = ArchTests.in(RosterArchitecture.class);} in a class
 * annotated {@code @AnalyzeClasses(packages = "io.roster.<service>", importOptions = DoNotIncludeTests.class)}.
 * Each rule is also run against classes that break it (test-support's tests), so a rule that stopped
 * seeing anything would fail the build.
 *
 * <p>Axon types are named by string: test-support does not depend on Axon, the services do.
 */
public final class RosterArchitecture {

    /** What an aggregate or a command may use besides the JDK, the event contract and its own package. */
    private static final Set<String> AXON_MODELLING_API = Set.of(
            "org.axonframework.commandhandling.CommandHandler",
            "org.axonframework.eventsourcing.EventSourcingHandler",
            "org.axonframework.spring.stereotype.Aggregate",
            // the revision of an aggregate's snapshot, as an event's revision is part of the event
            "org.axonframework.serialization.Revision",
            // what AggregateLifecycle.apply(payload, metaData) takes: a join of a batch command gives each of its events
            // its own cause and trace
            "org.axonframework.messaging.MetaData");
    private static final String AXON_MODELLING_PACKAGE = "org.axonframework.modelling.command";

    /**
     * Domain vocabulary that lives outside shared-events today. Each is a plain type (no Spring, no HTTP, no
     * MongoDB) that two or more aggregates share; each belongs in shared-events next to {@code ProblemCode}.
     * The list only shrinks: a type moved there needs no entry.
     */
    private static final Set<String> DOMAIN_VOCABULARY_NOT_YET_SHARED = Set.of(
            // a refused rule and its problem code: thrown by every aggregate, mapped to a problem by the web layer
            "io.roster.kit.web.RuleViolation",
            // who sends an identity command (user id, provider admin): carried by the account and organization commands
            "io.roster.identity.access.Actor");
    /** Annotations only: they fix the JSON shape of an aggregate's snapshot, as {@code @Revision} fixes its version. */
    private static final String JACKSON_ANNOTATIONS = "com.fasterxml.jackson.annotation";

    /**
     * Domain code (the aggregates, their nested types, and the commands) knows the JDK, the published
     * events, Axon's modelling annotations and {@code AggregateLifecycle}, and its own package: no Spring,
     * no web, no MongoDB, no other feature of the service.
     */
    @ArchTest
    public static final ArchRule aggregatesAndCommandsDependOnlyOnTheModel = classes()
            .that(areAggregatesOrCommands())
            .should(dependOnlyOnTheModel())
            .allowEmptyShould(true)
            .because("the domain model is the part of a service that must stay readable and testable on its own");

    /** The feature packages of a service ({@code io.roster.<service>.<feature>}) depend on each other one way. */
    @ArchTest
    public static final ArchRule noCyclesBetweenFeaturePackages = slices()
            .matching("io.roster.(*).(*)..")
            .namingSlices("$1.$2")
            .should().beFreeOfCycles()
            .allowEmptyShould(true);

    /** Services talk to each other through Kafka only, so nothing in them makes an HTTP request. */
    @ArchTest
    public static final ArchRule noHttpClients = noClasses()
            .should().dependOnClassesThat(areHttpClients())
            .allowEmptyShould(true)
            .because("services talk through Kafka: an HTTP call would couple their availability");

    /** What a projection writes comes from events, never from a request. */
    @ArchTest
    public static final ArchRule projectionsDoNotDependOnWebCode = noClasses()
            .that(areProjections())
            .should().dependOnClassesThat(areWebCode())
            .allowEmptyShould(true)
            .because("a read model is written from events alone");

    /** Projections write their own read model; reading another one is a store's job, never a projection's. */
    @ArchTest
    public static final ArchRule projectionsDoNotCallOtherProjections = classes()
            .that(areProjections())
            .should(notDependOnOtherProjections())
            .allowEmptyShould(true)
            .because("a projection that calls another depends on the order the two are fed in");

    private RosterArchitecture() {
    }

    static DescribedPredicate<JavaClass> areAggregatesOrCommands() {
        return DescribedPredicate.describe("are aggregates (or nested in one) or commands", RosterArchitecture::isDomainModel);
    }

    private static boolean isDomainModel(JavaClass c) {
        Optional<JavaClass> outer = c.getEnclosingClass();
        return isAggregate(c) || isCommand(c) || outer.map(RosterArchitecture::isDomainModel).orElse(false);
    }

    private static boolean isAggregate(JavaClass c) {
        return c.isAnnotatedWith("org.axonframework.spring.stereotype.Aggregate")
                || c.isAnnotatedWith("org.axonframework.modelling.command.AggregateRoot")
                || c.getFields().stream().anyMatch(f -> f.isAnnotatedWith("org.axonframework.modelling.command.AggregateIdentifier"))
                || c.getMethods().stream().anyMatch(m -> m.isAnnotatedWith("org.axonframework.eventsourcing.EventSourcingHandler"));
    }

    private static boolean isCommand(JavaClass c) {
        return c.getSimpleName().endsWith("Command")
                || c.getFields().stream().anyMatch(f -> f.isAnnotatedWith("org.axonframework.modelling.command.TargetAggregateIdentifier"))
                || c.getMethods().stream().anyMatch(m -> m.isAnnotatedWith("org.axonframework.modelling.command.TargetAggregateIdentifier"));
    }

    static ArchCondition<JavaClass> dependOnlyOnTheModel() {
        return new ArchCondition<>("depend only on the JDK, shared-events, Axon's modelling API and their own package") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                    JavaClass target = dependency.getTargetClass().getBaseComponentType();
                    if (!isModel(origin, target)) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                    }
                }
            }
        };
    }

    private static boolean isModel(JavaClass origin, JavaClass target) {
        String pkg = target.getPackageName();
        return target.isPrimitive()
                || pkg.equals("java") || pkg.startsWith("java.")
                || pkg.equals("io.roster.events") || pkg.startsWith("io.roster.events.")
                || pkg.equals(AXON_MODELLING_PACKAGE)
                || AXON_MODELLING_API.contains(target.getName())
                || DOMAIN_VOCABULARY_NOT_YET_SHARED.contains(target.getName())
                || pkg.equals(JACKSON_ANNOTATIONS)
                || pkg.equals(origin.getPackageName());
    }

    static DescribedPredicate<JavaClass> areHttpClients() {
        return DescribedPredicate.describe("are HTTP clients", c -> {
            String name = c.getName();
            String pkg = c.getPackageName();
            return pkg.startsWith("org.springframework.web.reactive.function.client")   // WebClient
                    || pkg.equals("org.springframework.web.client")                     // RestTemplate, RestClient
                    || pkg.startsWith("java.net.http")                                  // HttpClient
                    || name.equals("java.net.HttpURLConnection") || name.equals("java.net.URLConnection")
                    || pkg.startsWith("reactor.netty.http.client")                      // reactor-netty's HttpClient
                    || pkg.startsWith("org.apache.hc.client5") || pkg.startsWith("org.apache.http.client")
                    || pkg.startsWith("okhttp3");
        });
    }

    static DescribedPredicate<JavaClass> areWebCode() {
        return DescribedPredicate.describe("are web code (a ..web.. package, Spring web or HTTP, ServerWebExchange)", c -> {
            String pkg = c.getPackageName();
            return pkg.endsWith(".web") || pkg.contains(".web.")
                    || pkg.equals("org.springframework.http") || pkg.startsWith("org.springframework.http.");
        });
    }

    /** Classes named {@code *Projection}, and the Axon event handlers that write a read model. */
    static DescribedPredicate<JavaClass> areProjections() {
        return DescribedPredicate.describe("are projections", RosterArchitecture::isProjection);
    }

    private static boolean isProjection(JavaClass c) {
        return c.getSimpleName().endsWith("Projection")
                || c.getMethods().stream().anyMatch(m -> m.isAnnotatedWith("org.axonframework.eventhandling.EventHandler"));
    }

    static ArchCondition<JavaClass> notDependOnOtherProjections() {
        return new ArchCondition<>("not depend on another projection") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                    JavaClass target = dependency.getTargetClass().getBaseComponentType();
                    if (!target.equals(origin) && !isOrNests(origin, target) && isProjection(target) && !target.isInterface()) {
                        events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                    }
                }
            }
        };
    }

    private static boolean isOrNests(JavaClass origin, JavaClass target) {
        Optional<JavaClass> outer = origin.getEnclosingClass();
        return outer.map(o -> o.equals(target) || isOrNests(o, target)).orElse(false);
    }
}
