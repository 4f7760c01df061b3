package io.roster.deployment;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

/** deploy/Dockerfile (one pattern for every service), its health check and the build context. */
class DockerImageTest {

    static final String DOCKERFILE = "deploy/Dockerfile";
    static final String HEALTHCHECK_SOURCE = "deploy/HealthCheck.java";
    static final String HEALTHCHECK_CLASSPATH = "/opt/roster/healthcheck";

    /** The Dockerfile's instructions, continuation lines joined, comments dropped. */
    static List<String> instructions() {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Repository.read(DOCKERFILE).split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                current.append(trimmed);
                if (current.length() > 0) {
                    instructions.add(current.toString().trim());
                }
                current.setLength(0);
            }
        }
        return instructions;
    }

    /** The stages' instructions: the last stage is the image that runs. */
    static List<List<String>> stages() {
        List<List<String>> stages = new ArrayList<>();
        for (String instruction : instructions()) {
            if (instruction.toUpperCase().startsWith("FROM ")) {
                stages.add(new ArrayList<>());
            }
            if (!stages.isEmpty()) {
                stages.get(stages.size() - 1).add(instruction);
            }
        }
        return stages;
    }

    /** Variables the image itself sets and reads (ENV of the final stage), e.g. JAVA_OPTS. */
    static Set<String> imageEnvironment() {
        Set<String> names = new LinkedHashSet<>();
        List<List<String>> stages = stages();
        for (String instruction : stages.get(stages.size() - 1)) {
            if (instruction.startsWith("ENV ")) {
                Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=").matcher(instruction.substring(4));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }

    @Test
    void theImageIsALayeredJarOnAJreRunAsANonRootUserWithAReadinessHealthCheck() {
        List<List<String>> stages = stages();
        List<String> runtime = stages.get(stages.size() - 1);
        String all = String.join("\n", instructions());
        assertSoftly(softly -> {
            softly.assertThat(runtime.get(0)).as("runtime base image").matches("FROM eclipse-temurin:17[^ ]*-jre.*");
            softly.assertThat(all).as("the jar is copied from the module's target folder")
                    .contains("COPY ${SERVICE}/target/${SERVICE}.jar");
            softly.assertThat(all).as("the layered jar is extracted")
                    .contains("-Djarmode=tools").contains("extract --layers --launcher");
            for (String layer : List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application")) {
                softly.assertThat(runtime).as("layer %s is its own COPY (its own image layer)", layer)
                        .anyMatch(i -> i.startsWith("COPY --from=") && i.contains("/" + layer + "/"));
            }
            softly.assertThat(runtime).as("runs as a numeric non-root user")
                    .anyMatch(i -> i.matches("USER [1-9][0-9]{3,}(:[1-9][0-9]{3,})?"));
            softly.assertThat(runtime).as("exposes the service's port").contains("EXPOSE ${PORT}");
            softly.assertThat(runtime).as("SERVER_PORT is the port it exposes").anyMatch(i -> i.startsWith("ENV ") && i.contains("SERVER_PORT=${PORT}"));
            softly.assertThat(runtime).as("health check with the compiled HealthCheck")
                    .anyMatch(i -> i.startsWith("HEALTHCHECK ") && i.contains("\"" + HEALTHCHECK_CLASSPATH + "\"") && i.contains("\"HealthCheck\""));
            softly.assertThat(runtime).as("HealthCheck is copied where the health check runs it")
                    .anyMatch(i -> i.startsWith("COPY --from=") && i.endsWith(" " + HEALTHCHECK_CLASSPATH + "/"));
            softly.assertThat(runtime).as("the JVM is PID 1 (exec) and starts Spring Boot's launcher")
                    .anyMatch(i -> i.startsWith("ENTRYPOINT ") && i.contains("exec java") && i.contains("org.springframework.boot.loader.launch.JarLauncher"));
            softly.assertThat(Repository.read(HEALTHCHECK_SOURCE)).as("HealthCheck defaults to the readiness group")
                    .contains(DeploymentPolicy.READINESS_PATH).contains("SERVER_PORT");
        });
    }

    @Test
    void everyServiceJarIsWhereTheDockerfileCopiesItFromAndInTheBuildContext() {
        String dockerignore = Repository.read(".dockerignore");
        assertSoftly(softly -> {
            for (ServiceConfiguration service : Repository.services()) {
                softly.assertThat(service.jar()).as("%s jar (its pom's finalName)", service.module())
                        .isEqualTo(service.module() + "/target/" + service.module() + ".jar");
                softly.assertThat(dockerignore.lines().map(String::trim))
                        .as(".dockerignore lets %s into the build context", service.jar())
                        .contains("!" + service.jar());
            }
            softly.assertThat(dockerignore.lines().map(String::trim)).as(".dockerignore lets the health check in")
                    .contains("!" + HEALTHCHECK_SOURCE);
        });
    }

    @Test
    void theHealthCheckSucceedsOnlyWhenTheReadinessGroupAnswers200(@TempDir Path classes) throws Exception {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler).as("a JDK runs the tests").isNotNull();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int compiled = compiler.run(null, diagnostics, diagnostics, "--release", "17", "-d", classes.toString(),
                Repository.path(HEALTHCHECK_SOURCE).toString());
        assertThat(compiled).as("javac %s: %s", HEALTHCHECK_SOURCE, diagnostics).isZero();

        AtomicInteger readiness = new AtomicInteger(200);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/actuator/health/", exchange -> {
            int status = exchange.getRequestURI().getPath().equals(DeploymentPolicy.READINESS_PATH) ? readiness.get() : 404;
            byte[] body = ("{\"status\":\"" + (status == 200 ? "UP" : "DOWN") + "\"}").getBytes();
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String port = String.valueOf(server.getAddress().getPort());
            assertThat(runHealthCheck(classes, port)).as("UP → exit 0").isZero();
            readiness.set(503);
            assertThat(runHealthCheck(classes, port)).as("DOWN (503) → exit 1").isEqualTo(1);
        } finally {
            server.stop(0);
        }
        assertThat(runHealthCheck(classes, String.valueOf(server.getAddress().getPort())))
                .as("nothing listening → exit 1").isEqualTo(1);
    }

    /** Runs HealthCheck as the image does: no argument, SERVER_PORT in the environment. */
    private static int runHealthCheck(Path classes, String port) throws Exception {
        Path javaBinary = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(javaBinary.toString(), "-cp", classes.toString(), "HealthCheck")
                .redirectErrorStream(true);
        builder.environment().put("SERVER_PORT", port);
        Process process = builder.start();
        process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("HealthCheck finishes").isTrue();
        return process.exitValue();
    }
}
