package io.roster.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A startup image never stops a stack: a jar its tools cannot unpack starts as it is, and a training that fails is
 * remembered so the next start of the same build does not train again. The jars here are real and run in real JVMs;
 * their main class is one without a main method ({@code java.lang.Object}), so the unpacking and the training fail
 * as a broken build would.
 */
class StartupImageTest {

    @TempDir
    Path folder;

    @Test
    void aJarThatCannotBeUnpackedStartsAsItIsWithoutAnArchive() throws Exception {
        Path jar = failingJar("not-a-boot-jar.jar");
        StartupImage.Training training = training("unpackable", jar);

        StartupImage image = StartupImage.prepare(Map.of("unpackable", training)).get("unpackable");

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(image.launchArguments()).as("the fat jar, no archive").containsExactly("-jar", jar.toString());
        softly.assertThat(Files.readString(training.logFile())).as("the unpacking was tried").contains("unpackable-unpack started");
        softly.assertAll();
    }

    @Test
    void aFailedTrainingIsRememberedAndNotRunAgainForTheSameBuild() throws Exception {
        Path jar = failingJar("service.jar");
        // unpacked already, as by an earlier start: the training comes next
        Path imageFolder = StartupImage.folderOf(jar);
        Files.createDirectories(imageFolder);
        Path unpacked = Files.copy(jar, imageFolder.resolve(jar.getFileName()));
        StartupImage.Training training = training("trainee", jar);

        StartupImage first = StartupImage.prepare(Map.of("trainee", training)).get("trainee");
        String firstLog = Files.readString(training.logFile());
        StartupImage second = StartupImage.prepare(Map.of("trainee", training)).get("trainee");

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(firstLog).as("the first start trained").contains("trainee-training started");
        softly.assertThat(imageFolder.resolve("classes.jsa.failed")).as("the failure remembered").isRegularFile();
        softly.assertThat(imageFolder.resolve("classes.jsa")).as("no archive").doesNotExist();
        for (StartupImage image : List.of(first, second)) {
            softly.assertThat(image.launchArguments()).as("the unpacked jar, no archive").containsExactly("-jar", unpacked.toString());
        }
        softly.assertThat(Files.readString(training.logFile())).as("the second start did not train (the log is the first's)")
                .isEqualTo(firstLog);
        softly.assertThat(training.logFile().resolveSibling(training.logFile().getFileName() + ".1"))
                .as("no second training's log rotated the first").doesNotExist();
        softly.assertAll();
    }

    private StartupImage.Training training(String name, Path jar) throws IOException {
        Path work = Files.createDirectories(folder.resolve(name + "-work"));
        return new StartupImage.Training(name, jar, List.of("-Xshare:auto"), Map.of(), work, folder.resolve(name + ".log"));
    }

    /** A jar in a target/ folder of its own whose main class has no main method: every run of it exits with 1. */
    private Path failingJar(String name) throws IOException {
        Path target = Files.createDirectories(folder.resolve(name + "-target"));
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "java.lang.Object");
        Path jar = target.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            // a manifest and nothing else
        }
        assertThat(jar).isRegularFile();
        return jar;
    }
}
