package io.roster.deployment;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.condition.EnabledIf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The same checks on the overlays as the real kustomize renders them ({@code kubectl kustomize}),
 * which also proves the kustomizations are valid. Runs where kubectl is installed, skips elsewhere.
 * The dev overlay's secret files are git-ignored and absent in a clean checkout: the render runs on a
 * copy of k8s/ where every secretGenerator file is replaced by a dummy value.
 */
@EnabledIf("kubectlAvailable")
class KubectlRenderedManifestsTest extends KubernetesManifestChecks {

    private static Path copy;

    static boolean kubectlAvailable() {
        try {
            Process process = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    List<Map<String, Object>> render(String overlay) {
        Path dir = copyWithDummySecretFiles().resolve("overlays").resolve(overlay);
        try {
            Process process = new ProcessBuilder("kubectl", "kustomize", dir.toString()).start();
            byte[] out = process.getInputStream().readAllBytes();
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize k8s/overlays/" + overlay + " failed: " + err);
            }
            return Yamls.loadAll(new String(out, StandardCharsets.UTF_8), "kubectl kustomize k8s/overlays/" + overlay);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static synchronized Path copyWithDummySecretFiles() {
        if (copy != null) {
            return copy;
        }
        try {
            Path source = Repository.path("k8s");
            Path target = Files.createTempDirectory("roster-k8s-");
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : files.toList()) {
                    Path to = target.resolve(source.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(to);
                    } else if (file.getFileName().toString().endsWith(".yaml") || file.getFileName().toString().endsWith(".md")) {
                        Files.copy(file, to);
                    }
                }
            }
            try (Stream<Path> files = Files.walk(target)) {
                for (Path kustomization : files.filter(f -> f.getFileName().toString().equals("kustomization.yaml")).toList()) {
                    for (Map<String, Object> generator : Yamls.maps(Yamls.load(kustomization), "secretGenerator")) {
                        for (Object entry : Yamls.list(generator, "files")) {
                            String spec = String.valueOf(entry);
                            Path file = kustomization.getParent().resolve(spec.contains("=") ? spec.substring(spec.indexOf('=') + 1) : spec);
                            Files.createDirectories(file.getParent());
                            Files.writeString(file, "dummy-for-rendering");
                        }
                    }
                }
            }
            copy = target;
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void deleteCopy() throws IOException {
        if (copy == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(copy)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
        copy = null;
    }
}
