package io.roster.deployment;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * docs/openapi/roster.yaml is the merge of the services' checked-in documents over the public HTTPRoute
 * ({@link MergedOpenApi}), current, and read by swagger-parser without a message. It only reads files: the services'
 * own tests keep their documents current. {@code -Dopenapi.write=true} rewrites it.
 */
class MergedOpenApiTest {

    private static final Logger log = LoggerFactory.getLogger(MergedOpenApiTest.class);
    private static final String REFRESH = "nice -n 19 ./mvnw -B -q -pl deployment-tests -am test -Dtest=MergedOpenApiTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dopenapi.write=true";

    @Test
    void theCheckedInDocumentOfThePublicOriginIsTheCurrentMergeAndParsesCleanly() throws IOException {
        MergedOpenApi.Result merged = MergedOpenApi.build();
        Path file = Repository.path(MergedOpenApi.DOCUMENT.toString());
        if (Boolean.getBoolean("openapi.write")) {
            Files.writeString(file, merged.yaml(), StandardCharsets.UTF_8);
        }
        String checkedIn = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIParser().readContents(checkedIn, null, options);
        List<String> messages = parsed.getMessages() == null ? List.of() : parsed.getMessages();

        List<String> report = new ArrayList<>();
        report.add("public operations merged: " + merged.operations());
        report.add("operations the route does not expose (left out): " + merged.leftOut().size());
        merged.leftOut().forEach(op -> report.add("  " + op));
        report.add("conflicts: " + merged.conflicts());
        report.add("checked-in file current: " + checkedIn.equals(merged.yaml()) + " (" + merged.yaml().lines().count()
                + " lines merged, " + checkedIn.lines().count() + " checked in)");
        report.add("swagger-parser messages: " + messages.size() + " " + messages);
        report.forEach(line -> log.info("openapi roster.yaml: {}", line));
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target/openapi-roster-report.txt"), report, StandardCharsets.UTF_8);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(merged.operations()).as("public operations in the merged document").isGreaterThan(0);
        softly.assertThat(merged.conflicts()).as("services that document one operation or component differently").isEmpty();
        softly.assertThat(checkedIn).as("docs/openapi/roster.yaml is the current merge; refresh it with: %s", REFRESH)
                .isEqualTo(merged.yaml());
        softly.assertThat(messages).as("swagger-parser messages on docs/openapi/roster.yaml").isEmpty();
        softly.assertAll();
    }
}
