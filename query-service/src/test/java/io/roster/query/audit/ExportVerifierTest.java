package io.roster.query.audit;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hash chain of an export as written by {@link ExportChain} and checked by {@link ExportVerifier}: an untouched
 * export passes, and any change to a line, a removed, added or moved line, or a cut-off end fails at its line.
 */
class ExportVerifierTest {

    private final UUID org = UUID.randomUUID();

    @Test
    void anUntouchedExportVerifies() {
        List<String> export = export(3);

        ExportVerifier.Result result = ExportVerifier.verify(export);

        assertThat(result.ok()).as(result.toString()).isTrue();
        assertThat(result.events()).isEqualTo(3);
        assertThat(result.lastHash()).isEqualTo(hashOf(export.get(3)));
        assertThat(result.toString()).startsWith("OK: 3 events");
    }

    @Test
    void theFirstHashIsTheSha256OfSixtyFourZerosAndTheLineWithoutItsHash() throws Exception {
        String line = export(1).get(0);
        String canonical = line.substring(0, line.lastIndexOf(",\"hash\":\"")) + "}";

        byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest(("0".repeat(64) + canonical).getBytes(StandardCharsets.UTF_8));

        assertThat(line).endsWith(",\"hash\":\"" + HexFormat.of().formatHex(digest) + "\"}");
        assertThat(canonical).startsWith("{\"occurredAt\":");
    }

    @Test
    void changingAnyFieldOfALineFailsAtThatLine() {
        List<String> export = export(3);
        String second = export.get(1);
        for (String[] edit : new String[][]{
                {"\"roles\":[\"member\"]", "\"roles\":[\"admin\"]"},
                {"\"sequence\":1", "\"sequence\":7"},
                {"\"name\":\"MemberAdded\"", "\"name\":\"MemberRemoved\""},
                {"\"occurredAt\":\"", "\"occurredAt\":\"1"},
                {"}", "} "}}) {
            List<String> tampered = new ArrayList<>(export);
            assertThat(second).contains(edit[0]);
            tampered.set(1, second.replaceFirst(java.util.regex.Pattern.quote(edit[0]), java.util.regex.Matcher.quoteReplacement(edit[1])));

            assertBadAt(tampered, 2);
        }
    }

    @Test
    void aLineWhoseHashWasRecomputedBreaksTheNextLine() {
        List<String> export = export(3);
        String second = export.get(1).replace("\"roles\":[\"member\"]", "\"roles\":[\"admin\"]");
        String canonical = second.substring(0, second.lastIndexOf(",\"hash\":\"")) + "}";
        List<String> tampered = new ArrayList<>(export);
        tampered.set(1, ExportVerifier.withHash(canonical, ExportVerifier.chain(hashOf(export.get(0)), canonical)));

        assertBadAt(tampered, 3);
    }

    @Test
    void removedAddedMovedOrCutOffLinesFail() {
        List<String> export = export(3);

        List<String> removed = new ArrayList<>(export);
        removed.remove(1);
        assertBadAt(removed, 2);

        List<String> swapped = new ArrayList<>(export);
        swapped.set(0, export.get(1));
        swapped.set(1, export.get(0));
        assertBadAt(swapped, 1);

        List<String> duplicated = new ArrayList<>(export);
        duplicated.add(2, export.get(1));
        assertBadAt(duplicated, 3);

        List<String> lastEventRemoved = new ArrayList<>(export);
        lastEventRemoved.remove(2);
        assertBadAt(lastEventRemoved, 3);

        assertBadAt(export.subList(0, 3), 4);
        List<String> afterTheEnd = new ArrayList<>(export);
        afterTheEnd.add(export.get(0));
        assertBadAt(afterTheEnd, 5);
        assertBadAt(List.of(), 1);
    }

    @Test
    void linesAreSplitAtLineFeedsOnlySoACarriageReturnIsAChange() {
        List<String> export = export(2);
        String file = String.join("\n", export) + "\n";

        assertThat(ExportVerifier.verify(ExportVerifier.lines(stream(file))).ok()).isTrue();
        assertThat(ExportVerifier.verify(ExportVerifier.lines(stream(file.replace("\n", "\r\n")))).badLine()).isEqualTo(1);
        assertThat(ExportVerifier.verify(ExportVerifier.lines(stream(file + "\n"))).reason()).contains("after the end line");
    }

    private static void assertBadAt(List<String> lines, long line) {
        ExportVerifier.Result result = ExportVerifier.verify(lines);
        assertThat(result.ok()).as("a tampered export verified").isFalse();
        assertThat(result.badLine()).as(result.toString()).isEqualTo(line);
        assertThat(result.toString()).startsWith("FAILED at line " + line + ": ");
    }

    /** {@code events} MemberAdded lines and the end line, as the service writes them. */
    private List<String> export(int events) {
        ExportChain chain = new ExportChain();
        List<String> lines = new ArrayList<>();
        Instant at = Instant.parse("2025-03-01T09:30:00Z");
        for (int i = 0; i < events; i++) {
            UUID user = UUID.randomUUID();
            lines.add(chain.line(new AuditEntry(at.plusSeconds(i), "roster.identity.MemberAdded.v1", "MemberAdded", UUID.randomUUID(),
                    org, org.toString(), i, UUID.randomUUID(), "corr-" + i, null,
                    "{\"userId\":\"" + user + "\",\"roles\":[\"member\"]}", List.of())));
        }
        lines.add(chain.end(org, at.plusSeconds(60)));
        return lines;
    }

    private static String hashOf(String line) {
        return line.substring(line.length() - 66, line.length() - 2);
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
