package io.roster.invitation.bulk;

import io.roster.events.ProblemCode;
import io.roster.kit.web.ApiProblem;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a bulk invitation file (PRODUCT.md §4 "Bulk CSV") with Apache Commons CSV: a header line naming the
 * columns {@code email} and {@code group membership} (any case, surrounding spaces ignored, other columns
 * ignored), then at most {@value #MAX_ROWS} data rows. A UTF-8 byte order mark, CRLF, LF or CR line endings,
 * quoted cells holding commas or line breaks and spaces around cells are all accepted. Lines that are empty,
 * or whose cells are all blank (spreadsheets export those), are not rows.
 *
 * <p>A file that cannot be read as a whole is refused as a whole, each with its own code: bytes that are not
 * text in the declared charset or broken quoting ({@code malformed_csv}), no header or a header without the
 * two columns ({@code invalid_csv_header}), no data row ({@code empty_csv}), more than {@value #MAX_ROWS} data
 * rows (413 {@code payload_too_large}: like a body over the byte limit, the fix is to send less, here by
 * splitting the file).
 */
final class BulkCsv {

    static final int MAX_ROWS = 1000;
    static final String EMAIL = "email";
    static final String GROUP_MEMBERSHIP = "group membership";

    private static final char BYTE_ORDER_MARK = '\uFEFF';
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder()
            .setIgnoreEmptyLines(true)
            .setIgnoreSurroundingSpaces(true)
            .get();

    private BulkCsv() {
    }

    /**
     * One data row.
     *
     * @param line      the line of the file it starts on (the header is line 1)
     * @param email     the email cell as written (stripped)
     * @param teamNames the team names of the group membership cell, stripped, blanks dropped, in order
     */
    record Row(int line, String email, List<String> teamNames) {
    }

    static List<Row> parse(byte[] body, Charset charset) {
        String text = decode(body, charset);
        if (!text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK) {
            text = text.substring(1);
        }
        if (text.isBlank()) {
            throw new ApiProblem(ProblemCode.EMPTY_CSV,
                    "The file is empty: it needs a header line '" + EMAIL + "," + GROUP_MEMBERSHIP + "' and at least one row.");
        }
        LineNumbers lines = new LineNumbers(text);
        List<Row> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(text, FORMAT)) {
            Columns columns = null;
            for (CSVRecord record : parser) {
                if (columns == null) {
                    columns = Columns.of(record);
                } else if (!isBlank(record)) {
                    if (rows.size() == MAX_ROWS) {
                        throw new ApiProblem(ProblemCode.PAYLOAD_TOO_LARGE,
                                "The file has more than " + MAX_ROWS + " rows; at most " + MAX_ROWS
                                        + " are invited per file. Split it into several files.");
                    }
                    rows.add(new Row(lines.lineAt(record.getCharacterPosition()), cell(record, columns.email()),
                            teamNames(cell(record, columns.groupMembership()))));
                }
            }
        } catch (UncheckedIOException | IOException | IllegalStateException e) {
            // Commons CSV reports broken quoting (an unclosed quote, text after a closing quote) this way
            throw new ApiProblem(ProblemCode.MALFORMED_CSV, "The file is not valid CSV: " + reason(e));
        }
        if (rows.isEmpty()) {
            throw new ApiProblem(ProblemCode.EMPTY_CSV, "The file has a header but no rows to invite.");
        }
        return rows;
    }

    /** Strict decoding: bytes that are not text in the charset (a spreadsheet's binary format, an image) are refused. */
    private static String decode(byte[] body, Charset charset) {
        String text;
        try {
            text = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ApiProblem(ProblemCode.MALFORMED_CSV,
                    "The body is not " + charset.name() + " text; send the file saved as CSV (UTF-8).");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) && c != '\r' && c != '\n' && c != '\t') {
                throw new ApiProblem(ProblemCode.MALFORMED_CSV,
                        "The body holds binary data, not CSV text; send the file saved as CSV (UTF-8).");
            }
        }
        return text;
    }

    private static String reason(Exception e) {
        Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        return cause.getMessage() == null ? "unreadable" : cause.getMessage();
    }

    private static boolean isBlank(CSVRecord record) {
        return record.stream().allMatch(String::isBlank);
    }

    private static String cell(CSVRecord record, int column) {
        return column < record.size() ? record.get(column).strip() : "";
    }

    private static List<String> teamNames(String cell) {
        Set<String> names = new LinkedHashSet<>();
        Arrays.stream(cell.split(",")).map(String::strip).filter(name -> !name.isEmpty()).forEach(names::add);
        return List.copyOf(names);
    }

    /** Where the two columns are, from the header record. */
    private record Columns(int email, int groupMembership) {

        static Columns of(CSVRecord header) {
            List<String> names = header.stream().map(name -> name.strip().toLowerCase(Locale.ROOT)).toList();
            int email = names.indexOf(EMAIL);
            int groups = names.indexOf(GROUP_MEMBERSHIP);
            if (email < 0 || groups < 0 || names.lastIndexOf(EMAIL) != email || names.lastIndexOf(GROUP_MEMBERSHIP) != groups) {
                throw new ApiProblem(ProblemCode.INVALID_CSV_HEADER,
                        "The first line must name the columns '" + EMAIL + "' and '" + GROUP_MEMBERSHIP
                                + "' once each (any case, other columns are ignored); it names " + shown(header) + ".");
            }
            return new Columns(email, groups);
        }

        private static String shown(CSVRecord header) {
            String names = header.stream().map(name -> "'" + name.strip() + "'").toList().toString();
            return names.length() > 200 ? names.substring(0, 200) + "…" : names;
        }
    }

    /**
     * Line numbers of records, counting CRLF, LF and CR each as one line break. A record's character position is
     * where the parser started reading it, before the empty lines it skipped, so those are stepped over first.
     */
    private static final class LineNumbers {

        private final String text;
        private final int[] lineStarts;

        LineNumbers(String text) {
            this.text = text;
            List<Integer> starts = new ArrayList<>();
            starts.add(0);
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'))) {
                    starts.add(i + 1);
                }
            }
            lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
        }

        int lineAt(long recordPosition) {
            int position = (int) recordPosition;
            while (position < text.length() && (text.charAt(position) == '\r' || text.charAt(position) == '\n')) {
                position++;
            }
            int found = Arrays.binarySearch(lineStarts, position);
            return (found >= 0 ? found : -found - 2) + 1;
        }
    }
}
