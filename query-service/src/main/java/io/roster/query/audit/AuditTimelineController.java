package io.roster.query.audit;

import io.roster.kit.openapi.ReadYourWrites;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoIterable;
import io.roster.events.EventJson;
import io.roster.kit.security.RosterPrincipal;
import io.roster.query.consistency.ConsistencyGate;
import io.roster.kit.access.OrganizationAccess;
import io.roster.kit.web.Page;
import io.roster.kit.web.PageRequest;
import io.roster.query.web.QueryParameters;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Function;

/**
 * An organization's audit timeline, for its admins and provider admins: paged JSON, or with
 * {@code Accept: application/x-ndjson} every matching event streamed one per line; and the tamper-evident
 * export of its whole history. Streams read MongoDB batch by batch as the client takes them, never the whole
 * history at once.
 */
@ReadYourWrites(ReadYourWrites.Role.WAITS)
@RestController
@RequestMapping("/api/v1/organizations/{organizationId}/events")
class AuditTimelineController {

    static final String NDJSON = "application/x-ndjson";

    private final AuditLog log;
    private final OrganizationAccess access;
    private final ConsistencyGate consistency;
    private final Clock clock = Clock.systemUTC();

    AuditTimelineController(AuditLog log, OrganizationAccess access, ConsistencyGate consistency) {
        this.log = log;
        this.access = access;
        this.consistency = consistency;
    }

    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    Mono<Page<AuditEntry>> page(@PathVariable UUID organizationId,
                                @RequestParam(required = false) String from,
                                @RequestParam(required = false) String to,
                                @RequestParam(required = false) String type,
                                @RequestParam(required = false) String actor,
                                @RequestParam(required = false) String limit,
                                @RequestParam(required = false) String cursor,
                                ServerWebExchange exchange) {
        QueryParameters params = new QueryParameters();
        PageRequest page = params.page(limit, cursor);
        TimelineFilter filter = TimelineFilter.parse(organizationId, from, to, type, actor, page, params);
        params.validate();
        return admin(organizationId, exchange)
                .map(caller -> Page.of(log.page(filter, page.fetchSize()), page, TimelineFilter::cursorOf));
    }

    /** The same filters, every matching event; paging parameters have no meaning here and are refused. */
    @GetMapping(produces = NDJSON)
    Flux<DataBuffer> stream(@PathVariable UUID organizationId,
                            @RequestParam(required = false) String from,
                            @RequestParam(required = false) String to,
                            @RequestParam(required = false) String type,
                            @RequestParam(required = false) String actor,
                            @RequestParam(required = false) String limit,
                            @RequestParam(required = false) String cursor,
                            ServerWebExchange exchange) {
        QueryParameters params = new QueryParameters();
        if (limit != null) {
            params.reject("limit", "is not used with " + NDJSON + ", which streams every matching event");
        }
        if (cursor != null) {
            params.reject("cursor", "is not used with " + NDJSON + ", which streams every matching event");
        }
        TimelineFilter filter = TimelineFilter.parse(organizationId, from, to, type, actor, null, params);
        params.validate();
        DataBufferFactory buffers = exchange.getResponse().bufferFactory();
        return admin(organizationId, exchange)
                .flatMapMany(caller -> lines(log.stream(filter), entry -> buffer(buffers, json(entry))));
    }

    /**
     * The organization's whole history as NDJSON with a running SHA-256 per line (docs/audit-export.md). The
     * order is the timeline's, which depends only on the events, so exporting again later yields the same lines
     * for the same events.
     */
    @GetMapping(path = "/export", produces = NDJSON)
    Flux<DataBuffer> export(@PathVariable UUID organizationId, ServerWebExchange exchange) {
        DataBufferFactory buffers = exchange.getResponse().bufferFactory();
        return admin(organizationId, exchange).flatMapMany(caller -> Flux.defer(() -> {
            exchange.getResponse().getHeaders().set(HttpHeaders.CONTENT_DISPOSITION,
                    "attachment; filename=\"roster-audit-" + organizationId + ".ndjson\"");
            ExportChain chain = new ExportChain();
            return lines(log.stream(TimelineFilter.all(organizationId)), entry -> buffer(buffers, chain.line(entry)))
                    .concatWith(Mono.fromCallable(() -> buffer(buffers, chain.end(organizationId, clock.instant()))));
        }));
    }

    /** The caller, once they proved to be an admin of the organization or a provider admin; blocking work off the event loop. */
    private Mono<RosterPrincipal> admin(UUID organizationId, ServerWebExchange exchange) {
        return consistency.read(exchange, caller -> {
            access.requireAdmin(caller, organizationId);
            return caller;
        });
    }

    /**
     * The entries as the client takes them: the cursor is iterated on a worker thread (requests included), and
     * closed when the stream ends, fails or the client goes away.
     */
    private static Flux<DataBuffer> lines(MongoIterable<AuditEntry> entries, Function<AuditEntry, DataBuffer> line) {
        return Flux.using(entries::cursor, cursor -> Flux.fromIterable(() -> cursor), MongoCursor::close)
                .map(line)
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static DataBuffer buffer(DataBufferFactory buffers, String line) {
        return buffers.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static String json(AuditEntry entry) {
        try {
            return EventJson.mapper().writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an audit entry", e);
        }
    }
}
