package dev.closer.app.outbound.crm;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.config.CloserConfig;
import dev.closer.app.webhooks.WebhookSources;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * The CRM writers of the webhook sources that have {@code writer.enabled}, and their subscriptions: each writer is
 * a row of {@code webhook_subscriptions} with {@code writer} set to the source's name instead of a URL, made (or
 * re-enabled) at start-up and disabled when its writer is no longer configured, so the outbound fan-out queues its
 * deliveries and the sender calls {@link CrmWriter#write} for them. Every instance should have the same writers:
 * the last one started decides which subscriptions are active.
 *
 * <p>A lead is written by the writer of the CRM source whose id prefix it starts with (the longest, when prefixes
 * nest), and only when the rest is a record id of that CRM.
 */
@ApplicationScoped
@Startup
public class CrmWriters {

    private static final Logger LOG = Logger.getLogger(CrmWriters.class);

    @Inject
    CloserConfig config;
    @Inject
    WebhookSources sources;
    @Inject
    DataSource dataSource;
    @Inject
    ObjectMapper json;
    @Inject
    HttpClient http;

    /** Id prefix → CRM source name, longest prefix first. */
    private final Map<String, String> owners = new LinkedHashMap<>();
    private final Map<String, CrmWriter> writers = new HashMap<>();

    /** Built from the checked sources: {@link WebhookSources} has refused a writer that cannot work. */
    @PostConstruct
    void start() throws SQLException {
        Duration timeout = config.outbound().timeout();
        sources.all().stream()
                .filter(s -> !s.type().equals("generic"))
                .sorted(Comparator.comparingInt((WebhookSources.Source s) -> s.idPrefix().length()).reversed())
                .forEach(s -> owners.putIfAbsent(s.idPrefix(), s.name()));
        for (WebhookSources.Source source : sources.all()) {
            CloserConfig.Webhooks.Source.Writer settings = source.config().writer();
            if (!settings.enabled()) {
                continue;
            }
            CrmWriter writer = switch (source.type()) {
                case "hubspot" -> new HubSpotWriter(source.name(), source.idPrefix(), settings, http, timeout, json);
                case "salesforce" ->
                        new SalesforceWriter(source.name(), source.idPrefix(), settings, http, timeout, json);
                default -> throw new IllegalStateException(source.type()); // refused by the check
            };
            writers.put(source.name(), writer);
            LOG.infof("CRM writer of source %s: %s", source.name(), writer);
        }
        subscribe();
    }

    /** Writers' subscriptions follow the configuration: one active row per writer, the others stopped. */
    private void subscribe() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into webhook_subscriptions (writer, events, min_points, description)
                    values (?, '{lead.score.changed}', ?, ?)
                    on conflict (writer) do update set active = true, min_points = excluded.min_points,
                                                       description = excluded.description""")) {
                for (String name : writers.keySet()) {
                    CloserConfig.Webhooks.Source source = sources.get(name).orElseThrow().config();
                    ps.setString(1, name);
                    ps.setInt(2, source.writer().minPoints());
                    ps.setString(3, "Scores written to " + source.type() + " (source " + name + ")");
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    update webhook_subscriptions set active = false
                     where writer is not null and active and not (writer = any (?))""")) {
                ps.setArray(1, c.createArrayOf("text", writers.keySet().toArray()));
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    /** The writer of this source, if it has one here. */
    public Optional<CrmWriter> get(String source) {
        return Optional.ofNullable(writers.get(source));
    }

    /** The CRM record id this source's writer writes the lead to, if the lead is that CRM's and it writes it. */
    public Optional<String> crmId(String source, String leadId) {
        CrmWriter writer = writers.get(source);
        if (writer == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, String> owner : owners.entrySet()) {
            if (leadId.startsWith(owner.getKey())) {
                return owner.getValue().equals(source) ? writer.crmId(leadId) : Optional.empty();
            }
        }
        return Optional.empty();
    }
}
