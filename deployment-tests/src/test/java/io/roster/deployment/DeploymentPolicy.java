package io.roster.deployment;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a deployment must give each service, beyond what the services' own files say. The services'
 * files decide which variables exist (a variable nobody reads is a typo); this policy decides which
 * of them a container deployment cannot leave at the local default.
 */
final class DeploymentPolicy {

    /**
     * Variables every deployment sets wherever a service reads them: their defaults are the local
     * stack's (127.0.0.1 addresses, ./.roster folders, generated keys, the default admin password),
     * wrong in a container. The local stack sets each of these for its processes too.
     */
    static final Set<String> DEPLOYMENT_NEEDS = Set.of(
            "SERVER_PORT",
            "ROSTER_KAFKA_BOOTSTRAP_SERVERS",
            "ROSTER_KAFKA_PARTITIONS",
            "ROSTER_KAFKA_REPLICATION_FACTOR",
            "ROSTER_MONGO_URI",
            "ROSTER_MONGO_DATABASE",
            "ROSTER_JWKS_URI",
            "ROSTER_ISSUER",
            "ROSTER_DATA_DIR",
            "ROSTER_SIGNING_KEY_PEM",
            "ROSTER_TOKEN_ENCRYPTION_KEY",
            "ROSTER_BOOTSTRAP_ADMIN_EMAIL",
            "ROSTER_BOOTSTRAP_ADMIN_PASSWORD",
            "ROSTER_SMTP_HOST",
            "ROSTER_SMTP_PORT",
            "ROSTER_SMTP_TLS_MODE",
            "ROSTER_SMTP_USERNAME",
            "ROSTER_SMTP_PASSWORD",
            "ROSTER_SMTP_SENDER_ADDRESS",
            "ROSTER_PUBLIC_BASE_URL");

    /**
     * Secrets whose absence is a legitimate setting (empty default): SMTP without authentication. In
     * Kubernetes they may come from an optional secretKeyRef; every other needed secret may not.
     */
    static final Set<String> OPTIONAL_SECRETS = Set.of("ROSTER_SMTP_USERNAME", "ROSTER_SMTP_PASSWORD");

    /**
     * Secrets a service reads (through the shared roster-kit.yml) but must not be given: the query
     * service never handles raw tokens, so it never gets the token-encryption key (the local stack
     * withholds it too).
     */
    static final Map<String, Set<String>> WITHHELD = Map.of(
            "query-service", Set.of("ROSTER_TOKEN_ENCRYPTION_KEY"));

    /** The service that issues tokens and serves the JWKS every service validates against. */
    static final String TOKEN_ISSUER = "identity-command-service";
    static final String JWKS_PATH = "/.well-known/jwks.json";

    static final String READINESS_PATH = "/actuator/health/readiness";
    static final String LIVENESS_PATH = "/actuator/health/liveness";
    static final String PROMETHEUS_PATH = "/actuator/prometheus";

    private DeploymentPolicy() {
    }

    /** A variable holding a secret: never a literal in a committed file, always a Secret in Kubernetes. */
    static boolean isSecret(String variable) {
        return variable.matches(".*(PASSWORD|SECRET|CREDENTIAL|USERNAME).*")
                || variable.matches(".*_(KEY|PEM)(_.*)?")
                || variable.equals("ROSTER_MONGO_URI"); // a production URI carries the credentials
    }

    /** The variables a deployment must set for a service. */
    static Set<String> required(ServiceConfiguration service) {
        Set<String> required = new TreeSet<>(service.withoutDefault());
        service.variables().keySet().stream().filter(DEPLOYMENT_NEEDS::contains).forEach(required::add);
        required.removeAll(WITHHELD.getOrDefault(service.module(), Set.of()));
        return required;
    }
}
