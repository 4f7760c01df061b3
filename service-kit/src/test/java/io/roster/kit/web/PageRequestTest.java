package io.roster.kit.web;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PageRequestTest {

    @Test
    void absentParametersTakeTheDefaults() {
        assertThat(PageRequest.of(null, null)).isEqualTo(new PageRequest(PageRequest.DEFAULT_LIMIT, null));
        assertThat(PageRequest.of(null, " ")).isEqualTo(new PageRequest(PageRequest.DEFAULT_LIMIT, null));
    }

    @Test
    void readsALimitAndTheSortKeyInsideACursor() {
        assertThat(PageRequest.of(" 200 ", PageRequest.encode("key\nid"))).isEqualTo(new PageRequest(200, "key\nid"));
        assertThat(PageRequest.of("1", null).fetchSize()).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0", "-1", "201", "999", "1.5", "", "99999999999"})
    void aBadLimitIsAValidationProblemNamingLimit(String limit) {
        assertThatThrownBy(() -> PageRequest.of(limit, null)).isInstanceOfSatisfying(ApiProblem.class, problem -> {
            assertThat(problem.status().value()).isEqualTo(400);
            assertThat(problem.code()).isEqualTo("validation_failed");
            assertThat(problem.errors()).extracting(ApiProblem.FieldProblem::field).containsExactly("limit");
        });
    }

    @Test
    void aCursorThatIsNoBase64UrlIsAValidationProblemNamingCursorAndEveryBadParameterIsNamed() {
        List<ApiProblem.FieldProblem> problems = new ArrayList<>();
        PageRequest.of("0", "not base64!", problems);
        assertThat(problems).extracting(ApiProblem.FieldProblem::field).containsExactly("limit", "cursor");
    }
}
