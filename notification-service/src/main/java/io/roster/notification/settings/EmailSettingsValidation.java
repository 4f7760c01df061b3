package io.roster.notification.settings;

import io.roster.events.EmailAddress;
import io.roster.kit.web.ApiProblem;
import io.roster.notification.smtp.TlsMode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Checks a settings request and reports every bad field at once. */
final class EmailSettingsValidation {

    private static final Pattern HOST = Pattern.compile(
            "^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?$");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    private EmailSettingsValidation() {
    }

    /** @param hasStoredPassword whether the organization has a password stored that an absent one keeps */
    static void check(EmailSettingsRequest r, List<Integer> allowedPorts, boolean hasStoredPassword) {
        List<ApiProblem.FieldProblem> problems = new ArrayList<>();
        if (r.host() == null || r.host().isBlank()) {
            problems.add(problem("host", "is required"));
        } else if (!HOST.matcher(r.host()).matches()) {
            problems.add(problem("host", "must be a host name or an IPv4 address"));
        }
        if (r.port() == null) {
            problems.add(problem("port", "is required"));
        } else if (r.port() < 1 || r.port() > 65535) {
            problems.add(problem("port", "must be between 1 and 65535"));
        } else if (!allowedPorts.isEmpty() && !allowedPorts.contains(r.port())) {
            problems.add(problem("port", "must be one of " + allowedPorts));
        }
        if (r.tlsMode() == null || r.tlsMode().isBlank()) {
            problems.add(problem("tlsMode", "is required: none, starttls or tls"));
        } else if (TlsMode.parse(r.tlsMode()).isEmpty()) {
            problems.add(problem("tlsMode", "must be none, starttls or tls"));
        }
        boolean hasUsername = r.username() != null && !r.username().isEmpty();
        if (hasUsername && (r.username().length() > 256 || CONTROL.matcher(r.username()).find() || r.username().isBlank())) {
            problems.add(problem("username", "must be 1 to 256 printable characters"));
        }
        if (r.password() != null && r.password().length() > 1024) {
            problems.add(problem("password", "must be at most 1024 characters"));
        } else if (r.password() != null && !r.password().isEmpty() && !hasUsername) {
            problems.add(problem("password", "is only used with a username"));
        } else if (hasUsername && (r.password() == null ? !hasStoredPassword : r.password().isEmpty())) {
            problems.add(problem("password", "is required with a username"));
        }
        if (r.senderAddress() == null || r.senderAddress().isBlank()) {
            problems.add(problem("senderAddress", "is required"));
        } else if (!EmailAddress.isValid(r.senderAddress())) {
            problems.add(problem("senderAddress", EmailAddress.INVALID));
        }
        if (r.senderName() != null && (r.senderName().length() > 100 || CONTROL.matcher(r.senderName()).find())) {
            problems.add(problem("senderName", "must be at most 100 printable characters"));
        }
        if (!problems.isEmpty()) {
            throw ApiProblem.validation(problems);
        }
    }

    private static ApiProblem.FieldProblem problem(String field, String message) {
        return new ApiProblem.FieldProblem(field, message);
    }
}
