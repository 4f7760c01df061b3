package io.roster.identity;

import io.roster.kit.web.RuleViolation;
import org.hamcrest.FeatureMatcher;
import org.hamcrest.Matcher;

import static org.hamcrest.Matchers.equalTo;

/** Matches a refusal by its stable code. */
public final class RuleMatchers {

    private RuleMatchers() {
    }

    public static Matcher<RuleViolation> violation(String code) {
        return new FeatureMatcher<>(equalTo(code), "a rule violation with code", "code") {
            @Override
            protected String featureValueOf(RuleViolation actual) {
                return actual.code();
            }
        };
    }
}
