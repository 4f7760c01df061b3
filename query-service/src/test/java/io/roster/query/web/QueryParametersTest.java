package io.roster.query.web;

import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.PageRequest;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueryParametersTest {

    @Test
    void absentParametersTakeTheirDefaults() {
        QueryParameters params = new QueryParameters();
        PageRequest page = params.page(null, " ");
        assertThat(params.uuid("teamId", null)).isNull();
        assertThat(params.oneOf("status", "", Map.of("active", 1))).isNull();
        assertThat(params.text("q", "  ", 10)).isNull();
        params.validate();
        assertThat(page).isEqualTo(new PageRequest(PageRequest.DEFAULT_LIMIT, null));
    }

    @Test
    void goodValuesAreRead() {
        QueryParameters params = new QueryParameters();
        UUID id = UUID.randomUUID();
        PageRequest page = params.page("200", PageRequest.encode("k\nid"));
        assertThat(page).isEqualTo(new PageRequest(200, "k\nid"));
        assertThat(params.uuid("teamId", " " + id + " ")).isEqualTo(id);
        assertThat(params.oneOf("status", "active", Map.of("active", 1))).isEqualTo(1);
        assertThat(params.text("q", " Ann ", 10)).isEqualTo("Ann");
        params.validate();
    }

    @Test
    void everyBadValueIsNamedInOneProblem() {
        QueryParameters params = new QueryParameters();
        params.page("0", "not base64!");
        params.uuid("teamId", "team-1");
        params.oneOf("status", "Active", Map.of("active", 1));
        params.text("q", "x".repeat(11), 10);

        assertThatThrownBy(params::validate).isInstanceOfSatisfying(ApiProblem.class, problem -> {
            assertThat(problem.code()).isEqualTo("validation_failed");
            assertThat(problem.errors()).extracting(ApiProblem.FieldProblem::field)
                    .containsExactly("limit", "cursor", "teamId", "status", "q");
        });
    }

    @Test
    void aLimitMustBeAWholeNumberInRange() {
        for (String limit : new String[]{"abc", "1.5", "-1", "201", "99999999999"}) {
            QueryParameters params = new QueryParameters();
            params.page(limit, null);
            assertThatThrownBy(params::validate).as(limit).isInstanceOf(ApiProblem.class);
        }
    }
}
