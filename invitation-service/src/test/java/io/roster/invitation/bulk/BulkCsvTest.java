package io.roster.invitation.bulk;

import io.roster.kit.web.ApiProblem;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a bulk invitation file is read: what spreadsheets produce is accepted, anything else refused whole with its code. */
class BulkCsvTest {

    @Test
    void aSpreadsheetExportWithBomCrlfQuotedTeamsAnyCaseHeaderAndExtraColumnsIsRead() {
        String file = "\uFEFF Name ,EMAIL,  Group Membership  ,Notes\r\n"
                + "Ann,ann@example.com,\"Sales, Engineering\",first\r\n"
                + "\r\n"
                + "Bob, bob@example.com , Sales ,\r\n"
                + "Cy,cy@example.com,,\"two\r\nlines\"\r\n"
                + ",,,\r\n"
                + "Di,di@example.com,\" sales ,, Ops \"\r\n";

        List<BulkCsv.Row> rows = BulkCsv.parse(file.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);

        assertThat(rows).containsExactly(
                new BulkCsv.Row(2, "ann@example.com", List.of("Sales", "Engineering")),
                new BulkCsv.Row(4, "bob@example.com", List.of("Sales")),
                new BulkCsv.Row(5, "cy@example.com", List.of()),
                new BulkCsv.Row(8, "di@example.com", List.of("sales", "Ops")));
    }

    @Test
    void lfAndCrLineEndingsCountLinesAlike() {
        assertThat(BulkCsv.parse(bytes("email,group membership\na@x.io,\n\nb@x.io,T\n"), StandardCharsets.UTF_8))
                .extracting(BulkCsv.Row::line).containsExactly(2, 4);
        assertThat(BulkCsv.parse(bytes("email,group membership\ra@x.io,\r\rb@x.io,T"), StandardCharsets.UTF_8))
                .extracting(BulkCsv.Row::line).containsExactly(2, 4);
    }

    @Test
    void aRowWithFewerCellsThanTheHeaderHasBlankCells() {
        assertThat(BulkCsv.parse(bytes("group membership,email\nSales\n"), StandardCharsets.UTF_8))
                .containsExactly(new BulkCsv.Row(2, "", List.of("Sales")));
    }

    @Test
    void theDeclaredCharsetIsHonoured() {
        byte[] latin1 = "email,group membership\nrené@example.com,Équipe\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(BulkCsv.parse(latin1, StandardCharsets.ISO_8859_1))
                .containsExactly(new BulkCsv.Row(2, "rené@example.com", List.of("Équipe")));
    }

    @Test
    void aThousandRowsAreAcceptedAndOneMoreIsRefusedWhole() {
        assertThat(BulkCsv.parse(bytes(file(1000)), StandardCharsets.UTF_8)).hasSize(1000);
        assertRefused(bytes(file(1001)), 413, "payload_too_large");
    }

    @Test
    void aWrongOrMissingHeaderIsRefused() {
        assertRefused(bytes("mail,group membership\na@x.io,\n"), 400, "invalid_csv_header");
        assertRefused(bytes("email\na@x.io\n"), 400, "invalid_csv_header");
        assertRefused(bytes("a@x.io,Sales\nb@x.io,Sales\n"), 400, "invalid_csv_header");
        assertRefused(bytes("email,group membership,Email\na@x.io,,b@x.io\n"), 400, "invalid_csv_header");
        assertRefused(bytes("email;group membership\na@x.io;Sales\n"), 400, "invalid_csv_header");
    }

    @Test
    void whatIsNotCsvTextIsRefusedAsMalformed() {
        assertRefused(bytes("email,group membership\na@x.io,\"Sales\n"), 400, "malformed_csv");
        assertRefused(bytes("email,group membership\na@x.io,\"Sales\"x\n"), 400, "malformed_csv");
        assertRefused(new byte[]{'P', 'K', 3, 4, 20, 0, 6, 0, 8, 0, 0, 0, 33, 0}, 400, "malformed_csv");
        assertRefused(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, 400, "malformed_csv");
    }

    @Test
    void aFileWithoutRowsIsRefusedAsEmpty() {
        assertRefused(new byte[0], 400, "empty_csv");
        assertRefused(bytes("\uFEFF\r\n  \n"), 400, "empty_csv");
        assertRefused(bytes("email,group membership\r\n\r\n,\r\n"), 400, "empty_csv");
    }

    private static String file(int rows) {
        return "email,group membership\n" + IntStream.range(0, rows).mapToObj(i -> "p" + i + "@x.io,")
                .collect(Collectors.joining("\n"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertRefused(byte[] body, int status, String code) {
        assertThatThrownBy(() -> BulkCsv.parse(body, StandardCharsets.UTF_8))
                .isInstanceOfSatisfying(ApiProblem.class, problem -> {
                    assertThat(problem.code()).isEqualTo(code);
                    assertThat(problem.status().value()).isEqualTo(status);
                    assertThat(problem.detail()).isNotBlank();
                });
    }
}
