package io.roster.console;

import io.roster.console.RosterApi.Service;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.http.codec.multipart.FormFieldPart;
import org.springframework.http.codec.multipart.Part;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

/**
 * The bulk CSV page: upload a file, see the invitation service's dry run (what would be invited, each skipped row and
 * why), download that report as CSV, then invite for real with the same file (kept in the session, so the run sends
 * what was checked). The API answers an upload once every row is done (it is synchronous: at most 1000 rows take
 * seconds), so the page shows that it is working while the request runs, not a row count.
 */
@Controller
@RequestMapping("/console/organizations/{organizationId}/bulk")
class BulkController {

    /** The invitation service refuses bodies above 1 MiB; 1000 rows of addresses and team names fit easily. */
    static final int MAX_FILE_BYTES = 1024 * 1024;
    private static final MediaType TEXT_CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

    private final RosterApi api;
    private final OrganizationContext context;

    BulkController(RosterApi api, OrganizationContext context) {
        this.api = api;
        this.context = context;
    }

    @GetMapping
    Mono<String> bulk(@PathVariable String organizationId, ServerWebExchange exchange, Model model) {
        return page(exchange, organizationId, model);
    }

    /** The upload: the file is checked by the invitation service's dry run; nothing is invited yet. */
    @PostMapping("/dry-run")
    Mono<String> dryRun(@PathVariable String organizationId, ServerWebExchange exchange, Model model) {
        // a new upload replaces the last one: its report must not stay beside this file's refusal
        return exchange.getSession().doOnNext(session -> session.getAttributes().remove(BulkUpload.SESSION_ATTRIBUTE))
                .then(exchange.getMultipartData())
                .flatMap(parts -> MembersController.withUser(exchange, user -> fileOf(parts).flatMap(file -> {
                    List<String> roles = roles(parts);
                    ApiProblem problem = problemWith(file);
                    if (problem != null) {
                        return refused(exchange, organizationId, model, "uploadProblem", problem);
                    }
                    BulkUpload upload = new BulkUpload(organizationId, file.name(), file.bytes(), roles, null);
                    return send(user, upload, true).flatMap(answer -> {
                        if (!answer.ok()) {
                            return refused(exchange, organizationId, model, "uploadProblem", answer.problem());
                        }
                        BulkUpload.Report report = report(answer, true);
                        return keep(exchange, upload.withReport(report)).then(AfterChange.redirect(exchange, answer,
                                "Checked " + file.name() + ": nothing was invited yet. " + report.invited() + " of " + report.total()
                                        + " rows can be invited" + (report.skipped().isEmpty() ? "." : ", " + report.skipped().size()
                                        + " would be skipped."), "/console/organizations/" + organizationId + "/bulk"));
                    });
                })))
                .onErrorResume(DataBufferLimitException.class, e -> refused(exchange, organizationId, model, "uploadProblem",
                        tooLarge(exchange.getRequest().getHeaders().getContentLength())));
    }

    /** The real run, of the file the last dry run checked. */
    @PostMapping("/run")
    Mono<String> run(@PathVariable String organizationId, ServerWebExchange exchange, Model model) {
        return MembersController.withUser(exchange, user -> exchange.getSession().flatMap(session -> {
            BulkUpload upload = upload(session, organizationId);
            if (upload == null || upload.report() == null || !upload.report().dryRun()) {
                return refused(exchange, organizationId, model, "runProblem", ApiProblem.ofConsole("validation_failed",
                        "Upload a file and check it (dry run) first: the invitations are sent from the checked file."));
            }
            return send(user, upload, false).flatMap(answer -> {
                if (!answer.ok()) {
                    return refused(exchange, organizationId, model, "runProblem", answer.problem());
                }
                BulkUpload.Report report = report(answer, false);
                session.getAttributes().put(BulkUpload.SESSION_ATTRIBUTE, upload.withReport(report));
                return AfterChange.redirect(exchange, answer, "Invited " + report.invited() + " of " + report.total() + " rows of "
                        + upload.fileName() + (report.skipped().isEmpty() ? "." : "; " + report.skipped().size() + " skipped (see the report)."),
                        "/console/organizations/" + organizationId + "/bulk");
            });
        }));
    }

    /** The last report of this organization's upload as a CSV file. */
    @GetMapping("/report.csv")
    Mono<ResponseEntity<String>> reportCsv(@PathVariable String organizationId, WebSession session) {
        BulkUpload upload = upload(session, organizationId);
        if (upload == null || upload.report() == null) {
            return Mono.just(ResponseEntity.status(404).contentType(MediaType.TEXT_PLAIN)
                    .body("No report: upload a file on the bulk CSV page first.\n"));
        }
        String name = upload.fileName().replaceAll("(?i)\\.csv$", "").replaceAll("[^A-Za-z0-9._-]", "_")
                + (upload.report().dryRun() ? "-dry-run" : "-invited") + "-report.csv";
        return Mono.just(ResponseEntity.ok().contentType(TEXT_CSV)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"")
                .body(upload.report().csv()));
    }

    /** A file in the expected shape, with the organization's own team names. */
    @GetMapping("/example.csv")
    Mono<ResponseEntity<String>> example(@PathVariable String organizationId, ServerWebExchange exchange) {
        return MembersController.withUser(exchange, user -> context.load(user, organizationId, null).map(loaded -> {
            List<String> teams = loaded.teams().stream().map(Views.Team::name).limit(2).toList();
            String groups = teams.isEmpty() ? "" : "\"" + String.join(", ", teams).replace("\"", "\"\"") + "\"";
            String csv = "email,group membership\r\nann@example.com," + groups + "\r\nbob@example.com,\r\n";
            return csv;
        })).map(csv -> ResponseEntity.ok().contentType(TEXT_CSV)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"roster-bulk-example.csv\"").body(csv));
    }

    // ---------------------------------------------------------------------------------------------------------

    /** The uploaded file: its name and at most {@link #MAX_FILE_BYTES} of it (more is a DataBufferLimitException). */
    record UploadedFile(String name, byte[] bytes) {}

    private static Mono<UploadedFile> fileOf(MultiValueMap<String, Part> parts) {
        if (!(parts.getFirst("file") instanceof FilePart file) || file.filename().isBlank()) {
            return Mono.just(new UploadedFile("", null));
        }
        return DataBufferUtils.join(file.content(), MAX_FILE_BYTES).map(buffer -> {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            DataBufferUtils.release(buffer);
            return new UploadedFile(file.filename(), bytes);
        }).defaultIfEmpty(new UploadedFile(file.filename(), new byte[0]));
    }

    /** What the console can tell without the API: no file chosen, an empty file. */
    static ApiProblem problemWith(UploadedFile file) {
        if (file.bytes() == null) {
            return ApiProblem.ofConsole("validation_failed", "Choose a CSV file to upload.");
        }
        if (file.bytes().length == 0) {
            return ApiProblem.ofConsole("empty_csv", "The file " + file.name() + " is empty: a bulk CSV needs a header line "
                    + "'email,group membership' and at least one row.");
        }
        return null;
    }

    static ApiProblem tooLarge(long uploadBytes) {
        String size = uploadBytes > 0 ? String.format(Locale.ROOT, " (the upload was %.1f MB)", uploadBytes / 1_000_000.0) : "";
        return new ApiProblem(413, "payload_too_large", "The file is too large" + size + ": a bulk CSV is at most 1 MiB, "
                + "up to 1000 rows with the columns 'email' and 'group membership'. Is it the right file, saved as CSV?",
                java.util.Map.of());
    }

    private static List<String> roles(MultiValueMap<String, Part> parts) {
        List<String> roles = new ArrayList<>();
        for (Part part : parts.getOrDefault("roles", List.of())) {
            if (part instanceof FormFieldPart field && Views.ROLES.contains(field.value()) && !roles.contains(field.value())) {
                roles.add(field.value());
            }
        }
        return roles.isEmpty() ? List.of("member") : roles;
    }

    private Mono<ApiAnswer> send(SignedInUser user, BulkUpload upload, boolean dryRun) {
        StringBuilder path = new StringBuilder("/api/v1/organizations/" + upload.organizationId() + "/invitations/bulk?dryRun=" + dryRun);
        upload.roles().forEach(role -> path.append("&roles=").append(role));
        return api.postFile(Service.INVITATION, path.toString(), user.accessToken(), TEXT_CSV, upload.file());
    }

    private static BulkUpload.Report report(ApiAnswer answer, boolean dryRun) {
        List<Views.SkippedRow> skipped = new ArrayList<>();
        answer.body().path("failed").forEach(row -> skipped.add(Views.SkippedRow.of(row)));
        return new BulkUpload.Report(dryRun, answer.body().path("jobId").asText(null), answer.body().path("total").asInt(),
                answer.body().path("invited").asInt(), List.copyOf(skipped));
    }

    private static Mono<Void> keep(ServerWebExchange exchange, BulkUpload upload) {
        return exchange.getSession().doOnNext(session -> session.getAttributes().put(BulkUpload.SESSION_ATTRIBUTE, upload)).then();
    }

    private static BulkUpload upload(WebSession session, String organizationId) {
        BulkUpload upload = session.getAttribute(BulkUpload.SESSION_ATTRIBUTE);
        return upload != null && upload.organizationId().equals(organizationId) ? upload : null;
    }

    private Mono<String> page(ServerWebExchange exchange, String organizationId, Model model) {
        return MembersController.withUser(exchange, user -> exchange.getSession().flatMap(session ->
                context.load(user, organizationId, ConsoleSession.lastChange(session)).map(loaded -> {
                    model.addAttribute("context", loaded);
                    model.addAttribute("organizationId", organizationId);
                    model.addAttribute("roles", Views.ROLES);
                    model.addAttribute("upload", loaded.canAdmin() ? upload(session, organizationId) : null);
                    return "bulk";
                })));
    }

    private Mono<String> refused(ServerWebExchange exchange, String organizationId, Model model, String where, ApiProblem problem) {
        model.addAttribute(where, problem);
        return page(exchange, organizationId, model).doOnNext(view -> AfterChange.refusedWith(exchange, problem));
    }
}
