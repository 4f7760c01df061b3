package io.roster.kit.consistency;

import io.roster.kit.web.ApiProblem;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Read-your-writes (PRODUCT.md §2): the aggregates a command changed and the sequence number each
 * reached. A query that sends it back waits until the projection has applied at least those.
 * On the wire: base64url of {@code aggregateId:sequence} pairs joined by commas.
 */
public record ConsistencyToken(Map<String, Long> sequences) {

    public static final String HEADER = "Consistency-Token";
    private static final int MAX_AGGREGATES = 200;

    public ConsistencyToken {
        sequences = Map.copyOf(sequences);
    }

    public static ConsistencyToken of(String aggregateId, long sequence) {
        return new ConsistencyToken(Map.of(aggregateId, sequence));
    }

    public String encode() {
        StringBuilder plain = new StringBuilder();
        sequences.forEach((aggregate, sequence) -> {
            if (!plain.isEmpty()) {
                plain.append(',');
            }
            plain.append(aggregate).append(':').append(sequence);
        });
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.toString().getBytes(StandardCharsets.UTF_8));
    }

    public static ConsistencyToken decode(String header) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(header.trim()), StandardCharsets.UTF_8);
            Map<String, Long> sequences = new LinkedHashMap<>();
            for (String pair : plain.split(",")) {
                int colon = pair.lastIndexOf(':');
                String aggregate = pair.substring(0, colon);
                UUID.fromString(aggregate);
                long sequence = Long.parseLong(pair.substring(colon + 1));
                if (sequence < 0 || sequences.put(aggregate, sequence) != null) {
                    throw new IllegalArgumentException("repeated or negative");
                }
            }
            if (sequences.isEmpty() || sequences.size() > MAX_AGGREGATES) {
                throw new IllegalArgumentException("size");
            }
            return new ConsistencyToken(sequences);
        } catch (RuntimeException e) {
            throw ApiProblem.malformed("The " + HEADER + " header is not one this system issued.");
        }
    }
}
