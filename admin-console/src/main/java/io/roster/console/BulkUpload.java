package io.roster.console;

import java.io.Serializable;
import java.util.List;

/**
 * The last bulk CSV file a person uploaded, kept in their WebSession between the dry run and the real run (so the
 * real run sends exactly the file that was checked, without choosing it again), and the report of the last run of it.
 *
 * @param file    the file's bytes, at most {@link BulkController#MAX_FILE_BYTES}
 * @param report  the invitation service's answer to the last run, dry or real
 */
record BulkUpload(String organizationId, String fileName, byte[] file, List<String> roles, Report report)
        implements Serializable {

    static final String SESSION_ATTRIBUTE = "roster.console.bulk-upload";

    /** The answer of {@code POST …/invitations/bulk}: {@code invited} counts the rows invited (or, dry, that would be). */
    record Report(boolean dryRun, String jobId, int total, int invited, List<Views.SkippedRow> skipped) implements Serializable {

        /** The report as a spreadsheet opens it: one line per skipped row, then a summary line. */
        String csv() {
            StringBuilder csv = new StringBuilder("line,email,result,code,detail\r\n");
            for (Views.SkippedRow row : skipped) {
                csv.append(row.line()).append(',').append(cell(row.email())).append(",skipped,").append(cell(row.code()))
                        .append(',').append(cell(row.detail())).append("\r\n");
            }
            csv.append(",,").append(dryRun ? "would be invited" : "invited").append(",,")
                    .append(cell(invited + " of " + total + " rows")).append("\r\n");
            return csv.toString();
        }

        /** RFC 4180 quoting, and a leading = + - @ defused so that no spreadsheet runs a cell as a formula. */
        private static String cell(String text) {
            String value = text == null ? "" : text;
            if (!value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0) {
                value = "'" + value;
            }
            boolean quoted = value.chars().anyMatch(c -> c == '"' || c == ',' || c == '\r' || c == '\n');
            return quoted ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
        }
    }

    BulkUpload withReport(Report next) {
        return new BulkUpload(organizationId, fileName, file, roles, next);
    }
}
