package io.roster.query.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roster.events.EventJson;
import io.roster.events.RosterEvent;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An event's JSON without its secrets, for the audit log. Removed are sealed secrets (an {@code EncryptedSecret}:
 * any object with a {@code ciphertext}, such as {@code token}, {@code setupToken}, {@code verificationToken}) and
 * every field whose name says it holds a secret or something derived from one ({@code tokenHash}, passwords,
 * keys). It works on names and shapes rather than a list of event types, so that a field added to an event later
 * is stripped without anyone remembering this class; the price is that an innocent field named like a secret is
 * dropped too, which an audit log can afford.
 */
final class PayloadRedactor {

    /** Lower-cased fragments of field names that hold secrets or digests of secrets. */
    private static final Pattern SECRET_NAME = Pattern.compile(
            ".*(token|password|passwd|secret|hash|credential|ciphertext|privatekey|apikey|signingkey).*");

    private PayloadRedactor() {
    }

    /** The event's JSON (as {@link EventJson} writes it) without secrets, and the paths of what was removed. */
    static Redacted redact(RosterEvent event) {
        ObjectNode tree = EventJson.mapper().valueToTree(event);
        List<String> removed = new ArrayList<>();
        strip(tree, "", removed);
        return new Redacted(tree, List.copyOf(removed));
    }

    private static void strip(JsonNode node, String path, List<String> removed) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (isSecret(field.getKey(), field.getValue())) {
                    fields.remove();
                    removed.add(fieldPath);
                } else {
                    strip(field.getValue(), fieldPath, removed);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                strip(array.get(i), path + "[" + i + "]", removed);
            }
        }
    }

    private static boolean isSecret(String name, JsonNode value) {
        return SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches() || value.has("ciphertext");
    }

    record Redacted(ObjectNode payload, List<String> removedFields) {
    }
}
