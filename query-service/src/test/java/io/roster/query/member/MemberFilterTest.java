package io.roster.query.member;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class MemberFilterTest {

    @Test
    void everyRegexMetacharacterOfAPrefixMatchesOnlyItself() {
        String input = "a.b*c+d?e(f)g[h]i{j}k|l^m$n\\o";
        Pattern pattern = Pattern.compile("^" + MemberFilter.escapeRegex(input));
        assertThat(pattern.matcher(input + "@example.io").find()).isTrue();
        assertThat(pattern.matcher("aXb*c+d?e(f)g[h]i{j}k|l^m$n\\o").find()).isFalse();
        assertThat(MemberFilter.escapeRegex("ann-lee o'neil")).isEqualTo("ann-lee o'neil");
    }
}
