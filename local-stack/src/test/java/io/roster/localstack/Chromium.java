package io.roster.localstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by its own chromedriver, for the browser tests (Selenium Manager is never asked
 * for anything, so nothing is downloaded).
 *
 * <p>Where they are missing, a browser test must be reported SKIPPED with the reason: an assumption that fails in a
 * {@code @BeforeAll} aborts the class before any test starts, and failsafe then counts no test at all ("Tests run: 0")
 * instead of skipped ones. So a browser test checks {@link #missing()} in {@code @BeforeEach} (each test is then
 * skipped with the reason) and starts nothing in {@code @BeforeAll} when it is missing.
 */
final class Chromium {

    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {}

    /** Why the browser tests cannot run here, if they cannot. */
    static Optional<String> missing() {
        if (Files.isExecutable(BINARY) && Files.isExecutable(DRIVER)) {
            return Optional.empty();
        }
        return Optional.of("needs Debian's chromium and chromium-driver (" + BINARY + ", " + DRIVER
                + "; apt-get install chromium chromium-driver, as .ci/run does)");
    }

    /** A fresh profile, no sandbox (containers), nothing fetched from the network but the pages under test. */
    static ChromeDriver headless(Path dataDir, String windowSize, Duration pageLoadTimeout) throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=" + windowSize, "--hide-scrollbars",
                "--user-data-dir=" + Files.createDirectories(dataDir.resolve("chromium-profile")));
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingPort(ephemeralPort())
                .withLogFile(dataDir.resolve("chromedriver.log").toFile())
                .build();
        ChromeDriver chromium = new ChromeDriver(driver, options);
        chromium.manage().timeouts().pageLoadTimeout(pageLoadTimeout);
        return chromium;
    }

    /**
     * A port the system hands out for its own sockets. Selenium's "any free port" draws at random below the system's
     * range, where the stacks' fixed port blocks are ({@link TestPorts}): a chromedriver there once took a port of a
     * stack another test class was about to start ("port(s) already in use").
     */
    private static int ephemeralPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
