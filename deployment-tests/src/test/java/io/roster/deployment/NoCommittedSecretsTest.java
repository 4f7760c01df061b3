package io.roster.deployment;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

/** No secret value in the committed deployment files. */
class NoCommittedSecretsTest {

    private static final Pattern PRIVATE_KEY = Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----");
    /** 30+ bytes of base64 (an AES key is 44 characters) or hex; image digests (sha256:...) excepted. */
    private static final Pattern KEY_MATERIAL = Pattern.compile("(?<![A-Za-z0-9+/_-])(?<!sha256:)[A-Za-z0-9+/]{40,}={0,2}");

    /** The committed deployment files: docker-compose.yml, .dockerignore, deploy/ and k8s/ minus what their .gitignore excludes. */
    static List<Path> deploymentFiles() {
        List<Path> files = new ArrayList<>(List.of(Repository.path(ComposeFile.FILE), Repository.path(".dockerignore")));
        for (String dir : List.of("deploy", "k8s")) {
            try (Stream<Path> walk = Files.walk(Repository.path(dir))) {
                walk.filter(Files::isRegularFile).filter(f -> !isGitIgnored(f)).forEach(files::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /** Whether a .gitignore between the file and the repository root excludes it (simple patterns). */
    static boolean isGitIgnored(Path file) {
        for (Path dir = file.getParent(); dir != null && dir.startsWith(Repository.ROOT); dir = dir.getParent()) {
            Path gitignore = dir.resolve(".gitignore");
            if (!Files.isRegularFile(gitignore)) {
                continue;
            }
            Path relative = dir.relativize(file);
            for (String line : Repository.read(gitignore).split("\n")) {
                String pattern = line.trim();
                if (pattern.isEmpty() || pattern.startsWith("#") || pattern.startsWith("!")) {
                    continue;
                }
                boolean directoryOnly = pattern.endsWith("/");
                String glob = pattern.replaceAll("^/|/$", "");
                boolean anchored = pattern.startsWith("/") || glob.contains("/");
                PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
                int segments = relative.getNameCount();
                for (int i = 0; i < segments; i++) {
                    if (directoryOnly && i == segments - 1) {
                        break; // the last segment is the file itself
                    }
                    Path candidate = anchored ? relative.subpath(0, i + 1) : relative.getName(i);
                    if (matcher.matches(candidate)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    @Test
    void noPrivateKeyOrKeyMaterialInTheDeploymentFiles() {
        List<Path> files = deploymentFiles();
        assertThat(files).as("deployment files").hasSizeGreaterThan(10);
        assertSoftly(softly -> {
            for (Path file : files) {
                String text = Repository.read(file);
                softly.assertThat(PRIVATE_KEY.matcher(text).find()).as("%s holds a private key", Repository.ROOT.relativize(file)).isFalse();
                Matcher material = KEY_MATERIAL.matcher(text);
                while (material.find()) {
                    // the line only: a failure message must not copy the secret into the build log
                    long line = text.substring(0, material.start()).chars().filter(c -> c == '\n').count() + 1;
                    softly.fail("%s line %d holds what looks like key material (%d characters of base64/hex)",
                            Repository.ROOT.relativize(file), line, material.group().length());
                }
            }
        });
    }

    @Test
    void theManifestsDeclareNoSecretValues() {
        assertSoftly(softly -> {
            for (Path file : deploymentFiles()) {
                if (!file.startsWith(Repository.path("k8s")) || !file.toString().endsWith(".yaml")) {
                    continue;
                }
                for (Map<String, Object> doc : Yamls.loadAll(file)) {
                    if ("Secret".equals(doc.get("kind"))) {
                        softly.assertThat(doc.get("data") == null && doc.get("stringData") == null)
                                .as("%s: Secret %s with values; the operator creates Secrets (REQUIRED_SECRETS.md) or the dev "
                                        + "overlay generates them from git-ignored files", file, KustomizeSubset.name(doc))
                                .isTrue();
                    }
                    if (file.getFileName().toString().equals("kustomization.yaml")) {
                        for (Map<String, Object> generator : Yamls.maps(doc, "secretGenerator")) {
                            softly.assertThat(Yamls.list(generator, "literals"))
                                    .as("%s: secretGenerator %s with literal values", file, generator.get("name")).isEmpty();
                            for (Object source : Yamls.list(generator, "files")) {
                                String spec = String.valueOf(source);
                                Path secretFile = file.getParent().resolve(spec.contains("=") ? spec.substring(spec.indexOf('=') + 1) : spec);
                                softly.assertThat(isGitIgnored(secretFile))
                                        .as("%s: secretGenerator %s reads %s, which must be git-ignored", file, generator.get("name"), spec)
                                        .isTrue();
                            }
                        }
                    }
                }
            }
        });
    }

    @Test
    void theScanFindsWhatItLooksFor() {
        assertThat(PRIVATE_KEY.matcher("x\n-----BEGIN PRIVATE KEY-----\nMIIE").find()).isTrue();
        assertThat(PRIVATE_KEY.matcher("-----BEGIN RSA PRIVATE KEY-----").find()).isTrue();
        assertThat(KEY_MATERIAL.matcher("ROSTER_TOKEN_ENCRYPTION_KEY=q1l3yKX7m1kq0yVwYV3iN0b2w9m8bA7c8s+/tqQ0w1E=").find()).isTrue();
        assertThat(KEY_MATERIAL.matcher("image: roster/query-service:0.1.0-SNAPSHOT").find()).isFalse();
        assertThat(KEY_MATERIAL.matcher("value: /api/v1/organizations/[^/]+(/(members|teams|leave)(/.*)?)?").find()).isFalse();
        assertThat(isGitIgnored(Repository.path("k8s/overlays/dev/secrets/signing-key.pem"))).isTrue();
        assertThat(isGitIgnored(Repository.path("k8s/overlays/dev/kustomization.yaml"))).isFalse();
    }
}
