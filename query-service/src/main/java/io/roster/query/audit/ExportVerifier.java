package io.roster.query.audit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks an audit export (docs/audit-export.md) and defines its hash chain; the service writes exports with
 * {@link #chain}. It needs nothing but the JDK, so an auditor can run this one file without building anything:
 *
 * <pre>java query-service/src/main/java/io/roster/query/audit/ExportVerifier.java export.ndjson</pre>
 *
 * The file is UTF-8, one JSON object per line, each line ended by a line feed. Every line ends with its
 * {@code "hash"} member: {@code ,"hash":"<64 lower-case hex digits>"}}. The line's canonical text is the line
 * with that member removed, i.e. the JSON exactly as the service wrote it before adding the hash. Line n's hash is
 * the SHA-256, in lower-case hex, of the UTF-8 bytes of line n-1's hash (64 zeros for the first line) followed by
 * line n's canonical text. Every line is an event except the last, which closes the export:
 * {@code {"end":true,"organizationId":…,"events":<number of event lines>,…,"hash":…}}.
 *
 * <p>Reports {@code OK …} and exits 0, or reports the first bad line and exits 1 (2 for a usage or I/O error). The
 * report goes through the JDK's own logger ({@code System.Logger}, no library needed), one bare line on standard
 * error.
 */
public final class ExportVerifier {

    public static final String FIRST_PREVIOUS = "0".repeat(64);
    static final String END_PREFIX = "{\"end\":true,";
    private static final String HASH_MEMBER = ",\"hash\":\"";
    private static final Pattern HASH_SUFFIX = Pattern.compile(",\"hash\":\"([0-9a-f]{64})\"}\\z");
    private static final Pattern EVENT_COUNT = Pattern.compile("\"events\":(\\d{1,18})[,}]");

    private ExportVerifier() {
    }

    public static void main(String[] args) {
        System.Logger log = bareLogger();
        if (args.length != 1) {
            log.log(System.Logger.Level.ERROR, "usage: java ExportVerifier.java <export.ndjson>");
            System.exit(2);
        }
        Result result;
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            result = verify(lines(in));
        } catch (IOException | UncheckedIOException e) {
            log.log(System.Logger.Level.ERROR, "cannot read " + args[0] + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        log.log(result.ok() ? System.Logger.Level.INFO : System.Logger.Level.ERROR, result.toString());
        System.exit(result.ok() ? 0 : 1);
    }

    /**
     * The JDK's logger, its console handler printing each message as it is (the verdict is what an auditor reads).
     * Called before the first logger exists, since the format is read when the handler is made.
     */
    private static System.Logger bareLogger() {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%5$s%n");
        }
        return System.getLogger(ExportVerifier.class.getName());
    }

    /** Line n's hash from line n-1's hash and line n's canonical text. */
    public static String chain(String previousHash, String canonical) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(previousHash.getBytes(StandardCharsets.UTF_8));
            sha256.update(canonical.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The line as written: its canonical text with the hash member added as the last one. */
    public static String withHash(String canonical, String hash) {
        if (!canonical.startsWith("{") || !canonical.endsWith("}") || canonical.length() < 3) {
            throw new IllegalArgumentException("not a non-empty JSON object: " + canonical);
        }
        return canonical.substring(0, canonical.length() - 1) + HASH_MEMBER + hash + "\"}";
    }

    /** Verifies the lines of an export, without their line feeds. */
    public static Result verify(Iterator<String> lines) {
        String previous = FIRST_PREVIOUS;
        long lineNumber = 0;
        long events = 0;
        boolean ended = false;
        while (lines.hasNext()) {
            String line = lines.next();
            lineNumber++;
            if (ended) {
                return Result.bad(lineNumber, "there is a line after the end line");
            }
            Matcher suffix = HASH_SUFFIX.matcher(line);
            if (!line.startsWith("{") || !suffix.find()) {
                return Result.bad(lineNumber, "the line is not a JSON object ending with its \"hash\" member");
            }
            String canonical = line.substring(0, suffix.start()) + "}";
            String expected = chain(previous, canonical);
            if (!expected.equals(suffix.group(1))) {
                return Result.bad(lineNumber, "the hash does not match: this line, or one before it, was changed, "
                        + "removed, added or moved");
            }
            previous = expected;
            if (line.startsWith(END_PREFIX)) {
                Matcher count = EVENT_COUNT.matcher(line);
                if (!count.find() || Long.parseLong(count.group(1)) != events) {
                    return Result.bad(lineNumber, "the end line does not count the " + events + " event lines before it");
                }
                ended = true;
            } else {
                events++;
            }
        }
        if (!ended) {
            return Result.bad(lineNumber + 1, "the end line is missing: the export was cut short");
        }
        return new Result(true, events, previous, 0, null);
    }

    public static Result verify(List<String> lines) {
        return verify(lines.iterator());
    }

    /**
     * The lines of a UTF-8 stream, split at line feeds only (a carriage return is content, so a changed line
     * ending is a changed line); a final line feed ends the last line. Malformed UTF-8 is an error.
     */
    public static Iterator<String> lines(InputStream input) {
        InputStream in = new BufferedInputStream(input);
        return new Iterator<>() {
            private String next = read();

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public String next() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                String line = next;
                next = read();
                return line;
            }

            private String read() {
                try {
                    ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
                    int b;
                    while ((b = in.read()) != -1 && b != '\n') {
                        line.write(b);
                    }
                    if (b == -1 && line.size() == 0) {
                        return null;
                    }
                    return StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(line.toByteArray())).toString();
                } catch (CharacterCodingException e) {
                    throw new UncheckedIOException("not UTF-8", e);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    /** The outcome: for a good export the number of events and the last line's hash; else the first bad line. */
    public record Result(boolean ok, long events, String lastHash, long badLine, String reason) {

        static Result bad(long line, String reason) {
            return new Result(false, 0, null, line, reason);
        }

        @Override
        public String toString() {
            return ok ? "OK: " + events + (events == 1 ? " event" : " events") + ", the chain holds; last hash " + lastHash
                    : "FAILED at line " + badLine + ": " + reason;
        }
    }
}
