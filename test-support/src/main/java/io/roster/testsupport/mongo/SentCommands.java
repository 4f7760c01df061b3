package io.roster.testsupport.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import org.bson.BsonValue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The commands one client sent, in order, as {@code "<command> <collection>"} ({@code "update teams-v1"}): for a test
 * that checks how many round trips an operation costs.
 */
public final class SentCommands implements CommandListener {

    private final List<String> sent = new CopyOnWriteArrayList<>();

    /** A client of {@code connectionString} whose commands this records. */
    public MongoClient client(String connectionString) {
        return MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(connectionString)).addCommandListener(this).build());
    }

    @Override
    public void commandStarted(CommandStartedEvent event) {
        // a collection command names its collection as the value of the command's own field
        BsonValue collection = event.getCommand().get(event.getCommandName());
        sent.add(event.getCommandName() + " " + (collection != null && collection.isString() ? collection.asString().getValue() : ""));
    }

    /** Every command so far, oldest first. */
    public List<String> all() {
        return List.copyOf(sent);
    }

    public void clear() {
        sent.clear();
    }
}
