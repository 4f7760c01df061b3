package io.roster.invitation;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hardening: the idempotency store never keeps a raw token. A link created with an {@code Idempotency-Key} answers
 * with the link's URL (holding its raw token); the stored answer must not hold it in clear, and the replay must still
 * give the same URL.
 */
class IdempotentLinkCreationTest extends AbstractServiceTest {

    @Autowired
    private MongoDatabase database;

    @Test
    void theStoredAnswerOfALinkCreationHoldsNoRawTokenAndItsReplayIsTheSame() {
        UUID admin = UUID.randomUUID();
        UUID org = organizationAdministeredBy(admin, "Idempotent Ltd");
        String key = "link-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("name", "Kept", "roles", List.of("member"));

        JsonNode first = create(org, admin, key, body).getResponseBody();
        String url = first.get("url").asText();
        String token = url.substring(url.lastIndexOf('/') + 1);

        List<Document> stored = database.getCollection("idempotency-keys").find().into(new ArrayList<>());
        assertThat(stored).isNotEmpty();
        assertThat(stored).allSatisfy(document -> {
            assertThat(document.toJson()).doesNotContain(token);
            org.bson.types.Binary clear = document.get("body", org.bson.types.Binary.class);
            assertThat(clear == null ? "" : new String(clear.getData(), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain(token);
        });
        assertThat(stored).anySatisfy(document -> assertThat(document.get("sealedBody")).isNotNull());

        EntityExchangeResult<JsonNode> replay = create(org, admin, key, body);
        assertThat(replay.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(replay.getResponseBody().get("url").asText()).isEqualTo(url);
        assertThat(replay.getResponseBody().get("linkId").asText()).isEqualTo(first.get("linkId").asText());
    }

    private EntityExchangeResult<JsonNode> create(UUID org, UUID admin, String key, Map<String, Object> body) {
        return web.post().uri("/api/v1/organizations/{org}/invitation-links", org)
                .headers(h -> h.setBearerAuth(tokenOf(admin, "boss@idempotent.io")))
                .header("Idempotency-Key", key).contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isCreated().expectBody(JsonNode.class).returnResult();
    }
}
