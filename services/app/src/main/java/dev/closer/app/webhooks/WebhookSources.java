package dev.closer.app.webhooks;

import dev.closer.app.config.CloserConfig;
import dev.closer.app.config.SettingChecks;
import dev.closer.app.outbound.crm.CrmWriterSettings;
import dev.closer.ingest.EventReader;
import dev.closer.ingest.webhook.CrmEvents;
import dev.closer.ingest.webhook.CrmMapping;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configured webhook sources, checked when the app starts: a source with an unknown type, missing credentials,
 * a mapping of an object its CRM does not have or a CRM writer that cannot work ({@link CrmWriterSettings}) stops
 * start-up with a message naming the setting, instead of answering every webhook (or score write) with an error.
 */
@ApplicationScoped
@Startup
public class WebhookSources {

    static final Set<String> TYPES = Set.of("generic", "hubspot", "salesforce", "pipedrive");

    /** A source ready to take requests, with its counters. */
    public record Source(String name, CloserConfig.Webhooks.Source config, CrmMapping mapping, CrmEvents events,
                         Counter accepted, Counter ignored) {

        public String type() {
            return config.type();
        }

        /** The prefix of this source's lead ids: {@code id-prefix}, by default the name and a dash. */
        public String idPrefix() {
            return idPrefix(name, config);
        }

        static String idPrefix(String name, CloserConfig.Webhooks.Source config) {
            return config.idPrefix().orElse(name + "-");
        }
    }

    @Inject
    CloserConfig config;
    @Inject
    EventReader reader;
    @Inject
    MeterRegistry meters;

    private final Map<String, Source> sources = new HashMap<>();

    @PostConstruct
    void check() {
        List<String> problems = new ArrayList<>();
        config.webhooks().sources().forEach((name, source) -> {
            String key = "closer.webhooks.sources." + name + ".";
            if (!TYPES.contains(source.type())) {
                problems.add(key + "type: '" + source.type() + "' is not one of " + TYPES);
                return;
            }
            switch (source.type()) {
                case "generic", "hubspot" -> SettingChecks.require(problems, key + "secret", source.secret(), null);
                case "pipedrive" -> {
                    SettingChecks.require(problems, key + "username", source.username(), null);
                    SettingChecks.require(problems, key + "password", source.password(), null);
                }
                case "salesforce" -> {
                    if (source.organizationIds().map(List::isEmpty).orElse(true)) {
                        problems.add(key + "organization-ids: required (the Salesforce organisation ids to "
                                + "accept outbound messages from)");
                    }
                }
                default -> throw new IllegalStateException(source.type());
            }
            CrmWriterSettings.check(key + "writer.", source.type(), source.writer(), problems);
            CrmMapping mapping = null;
            if (!source.type().equals("generic")) {
                try {
                    mapping = CrmMapping.of(source.type(), Source.idPrefix(name, source), source.fields(),
                            source.values());
                } catch (IllegalArgumentException e) {
                    problems.add(key + e.getMessage());
                    return;
                }
            }
            sources.put(name, new Source(name, source, mapping, new CrmEvents(reader, name),
                    Counter.builder("closer.webhooks.accepted").tag("source", name)
                            .description("Webhook events accepted").register(meters),
                    Counter.builder("closer.webhooks.ignored").tag("source", name)
                            .description("Webhook items of objects or kinds Closer does not keep").register(meters)));
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Webhook sources are misconfigured:\n  " + String.join("\n  ", problems));
        }
    }

    /** The source of this name, if configured. */
    public Optional<Source> get(String name) {
        return Optional.ofNullable(sources.get(name));
    }

    public boolean contains(String name) {
        return sources.containsKey(name);
    }

    /** Every configured source, checked. */
    public Collection<Source> all() {
        return sources.values();
    }
}
