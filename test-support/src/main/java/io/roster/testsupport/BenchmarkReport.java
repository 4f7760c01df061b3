package io.roster.testsupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * A benchmark program's figures: one line each on the {@code benchmark} logger, which the modules' logback-test.xml
 * writes as the bare message, so a printed table stays a table. Leading and trailing line breaks of a format are
 * dropped (each call is one line); the locale is fixed so figures read the same on every machine.
 */
public final class BenchmarkReport {

    private static final Logger figures = LoggerFactory.getLogger("benchmark");

    private BenchmarkReport() {
    }

    public static void line(String format, Object... args) {
        figures.info(String.format(Locale.ROOT, format, args).replaceAll("^\\R+|\\R+$", ""));
    }
}
