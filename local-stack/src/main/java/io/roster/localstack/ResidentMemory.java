package io.roster.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;

/** A process's resident set size, from {@code /proc/<pid>/status} (Linux only). */
public final class ResidentMemory {

    private ResidentMemory() {
    }

    /** VmRSS in bytes, or empty where {@code /proc} is not available or the process is gone. */
    public static OptionalLong bytesOf(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] fields = line.substring("VmRSS:".length()).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(fields[0]) * 1024);
                }
            }
            return OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** "123 MiB", or "?" when unknown. */
    public static String format(OptionalLong bytes) {
        return bytes.isPresent() ? format(bytes.getAsLong()) : "?";
    }

    public static String format(long bytes) {
        double mib = bytes / (1024.0 * 1024.0);
        return mib >= 1024 ? String.format(Locale.ROOT, "%.2f GiB", mib / 1024) : String.format(Locale.ROOT, "%.0f MiB", mib);
    }
}
