package io.roster.query.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.roster.testsupport.BenchmarkReport;
import io.roster.testsupport.mongo.MongoCommandCounts;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.roster.query.EventLog;
import io.roster.query.consumer.EventApplier;
import io.roster.query.consumer.ProjectionCollections;
import io.roster.query.consumer.VersionedCollection;
import io.roster.query.member.MemberFilter;
import io.roster.query.member.MemberQuery;
import io.roster.query.member.MemberRows;
import io.roster.query.web.KeysetCursor;
import io.roster.kit.web.PageRequest;
import io.roster.testsupport.TestTokenIssuer;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * One member-list page (limit 50) of one organization at growing sizes, next to a raw MongoDB
 * {@code find} of the same page measured in the same run (ENGINEERING.md: only the ratio means anything
 * on these machines). The service runs for real (HTTP, JWT, Mongo-wire server, with the embedded Kafka
 * broker it needs to start); {@code members-v1} is filled by applying identity events through the
 * service's own {@link EventApplier}, so rows look exactly as production writes them.
 *
 * <p>Each sample times, in turn, the raw find, the service's query path ({@link MemberQuery}), the HTTP
 * endpoint, and the "HTTP floor" (the same caller reading one organization by id: token check, access check,
 * JSON and the round trip, without the list), so all four meet the same noise. Run (without -q, which would
 * hide the forked program's output):
 * {@code ./mvnw -o -B -pl query-service test-compile exec:exec@member-list-benchmark [-Dbench.sizes=100,10000,100000]}
 */
public final class MemberListBenchmark {

    private static final int LIMIT = 50;
    private static final int WARM_UP = 200;
    private static final int SAMPLES = 1000;
    private static final String[] FIRST_NAMES = {"ann", "bob", "cy", "dana", "eli", "fay", "gus", "hal", "ida", "jo"};
    private static final String[] LAST_NAMES = {"lee", "stone", "berg", "nakamura", "okafor", "silva", "dubois", "kim"};

    private final EventLog log = new EventLog();
    private final Random random = new Random(42);
    private final UUID organizationId = UUID.randomUUID();
    private final UUID reader = UUID.randomUUID();
    private final HttpClient http = HttpClient.newHttpClient();
    private final EventApplier applier;
    private final MemberQuery query;
    private final MongoCollection<Document> rows;
    private final String baseUri;
    private final String bearer;
    private int members;

    private final MeterRegistry meters;

    private MemberListBenchmark(ConfigurableApplicationContext context) {
        this.applier = context.getBean(EventApplier.class);
        this.meters = context.getBean(MeterRegistry.class);
        this.query = context.getBean(MemberQuery.class);
        this.rows = context.getBean(MongoDatabase.class).getCollection(VersionedCollection.physicalName(MemberRows.COLLECTION,
                context.getBean(ProjectionCollections.class).activeVersion()));
        this.baseUri = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
        this.bearer = TestTokenIssuer.get().tokenFor(reader, "reader@example.io", List.of());
    }

    public static void main(String[] args) {
        int[] sizes = Arrays.stream((args.length == 0 || args[0].isBlank() ? "100,10000" : args[0]).split(","))
                .mapToInt(s -> Integer.parseInt(s.trim())).sorted().toArray();
        BenchmarkService.runAndExit(MemberListBenchmark.class, 1, context -> new MemberListBenchmark(context).run(sizes));
    }

    private void run(int[] sizes) throws IOException, InterruptedException {
        applier.apply(log.organizationCreated(organizationId, "Bench"));
        applier.apply(log.memberAdded(organizationId, reader, List.of("admin")));
        members = 1;
        BenchmarkReport.line("%nMember list, one page of %d, %d samples after %d warm-up; times in microseconds%n", LIMIT, SAMPLES, WARM_UP);
        BenchmarkReport.line("%-9s %-6s | %-17s | %-17s | %-17s | %-17s | %-13s | %s%n", "members", "page", "raw find p50/p99",
                "query path p50/99", "HTTP page p50/p99", "HTTP floor p50/99", "HTTP/raw p99", "fill s");
        for (int size : sizes) {
            long fillStarted = System.nanoTime();
            fillTo(size);
            double fillSeconds = (System.nanoTime() - fillStarted) / 1e9;
            measure(size, "first", null, fillSeconds);
            measure(size, "middle", middleCursor(), fillSeconds);
        }
    }

    /**
     * Users register first and join afterwards, as when an admin adds existing accounts: both halves of
     * every row go through the projections, the join copying the profile from {@code users-v1}.
     */
    private void fillTo(int size) {
        List<UUID> newcomers = new ArrayList<>();
        while (members + newcomers.size() < size) {
            UUID user = UUID.randomUUID();
            String first = FIRST_NAMES[random.nextInt(FIRST_NAMES.length)];
            String last = LAST_NAMES[random.nextInt(LAST_NAMES.length)];
            applier.apply(log.userRegistered(user, first + "." + last + "." + random.nextInt(1_000_000) + "@example.io",
                    capitalized(first), capitalized(last)));
            newcomers.add(user);
        }
        for (UUID user : newcomers) {
            applier.apply(log.memberAdded(organizationId, user, List.of(random.nextInt(10) == 0 ? "admin" : "member")));
        }
        members += newcomers.size();
    }

    /** The cursor of the row half-way down the list: a page from there walks the keyset path. */
    private KeysetCursor middleCursor() {
        Document middle = rows.find(Filters.eq("organizationId", organizationId.toString())).sort(MemberQuery.LIST_ORDER)
                .skip(members / 2).limit(1).first();
        return new KeysetCursor(middle.getString("emailLower"), middle.getString("_id"));
    }

    private void measure(int size, String page, KeysetCursor after, double fillSeconds) throws IOException, InterruptedException {
        MemberFilter filter = new MemberFilter(organizationId, null, null, null, null, after);
        Bson raw = filter.toBson();
        String uri = baseUri + "/api/v1/organizations/" + organizationId + "/members?limit=" + LIMIT
                + (after == null ? "" : "&cursor=" + PageRequest.encode(KeysetCursor.of(after.key(), after.id())));
        HttpRequest request = get(uri);
        // the same caller, token check, access check and consistency step around a one-document read
        HttpRequest floor = get(baseUri + "/api/v1/organizations/" + organizationId);
        checkHttp(request);
        checkHttp(floor);
        MongoCommandCounts beforePages = MongoCommandCounts.of(meters);
        for (int i = 0; i < 20; i++) {
            send(request);
        }
        MongoCommandCounts perPage = MongoCommandCounts.of(meters).since(beforePages);

        List<LongSupplier> contenders = List.of(
                () -> time(() -> rows.find(raw).sort(MemberQuery.LIST_ORDER).limit(LIMIT + 1).into(new ArrayList<>()).size()),
                () -> time(() -> query.page(filter, LIMIT + 1).size()),
                () -> time(() -> send(request)),
                () -> time(() -> send(floor)));
        long[][] samples = new long[contenders.size()][SAMPLES];
        for (int i = 0; i < WARM_UP + SAMPLES; i++) {
            for (int c = 0; c < contenders.size(); c++) {
                long nanos = contenders.get(c).getAsLong();
                if (i >= WARM_UP) {
                    samples[c][i - WARM_UP] = nanos;
                }
            }
        }
        long[] rawFind = percentiles(samples[0]);
        long[] queryPath = percentiles(samples[1]);
        long[] endpoint = percentiles(samples[2]);
        long[] httpFloor = percentiles(samples[3]);
        BenchmarkReport.line("%-9d %-6s | %7d / %7d | %7d / %7d | %7d / %7d | %7d / %7d | %13.2f | %.1f%n", size, page,
                rawFind[0], rawFind[1], queryPath[0], queryPath[1], endpoint[0], endpoint[1], httpFloor[0], httpFloor[1],
                (double) endpoint[1] / rawFind[1], fillSeconds);
        BenchmarkReport.line("%-9d %-6s   MongoDB commands per HTTP page: %s%n", size, page, perPage.perOperation(20));
    }

    private HttpRequest get(String uri) {
        return HttpRequest.newBuilder(URI.create(uri)).header("Authorization", "Bearer " + bearer).GET().build();
    }

    private void checkHttp(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("The endpoint answered " + response.statusCode() + ": " + response.body());
        }
    }

    private int send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray()).body().length;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Nanoseconds the work took; its result is checked so the JIT cannot drop it. */
    private static long time(IntSupplier work) {
        long started = System.nanoTime();
        int size = work.getAsInt();
        long elapsed = System.nanoTime() - started;
        if (size <= 0) {
            throw new IllegalStateException("an empty page");
        }
        return elapsed;
    }

    /** p50 and p99 in microseconds. */
    private static long[] percentiles(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new long[]{sorted[sorted.length / 2] / 1000, sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1000};
    }

    private static String capitalized(String name) {
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }
}
