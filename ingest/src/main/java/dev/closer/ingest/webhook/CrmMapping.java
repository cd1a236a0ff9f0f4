package dev.closer.ingest.webhook;

import dev.closer.ingest.EventTypes;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How one CRM's objects and properties become Closer's leads, accounts and deals: which object is which record,
 * which property is which field, which property values are which of Closer's values (a deal stage, a lead status),
 * and how record ids are namespaced. Properties without a field are kept as the record's custom properties
 * ({@code attributes}), under their CRM name.
 *
 * <p>Each CRM type has defaults for its standard objects; a source's settings add to or replace them:
 * <pre>
 *   closer.webhooks.sources.hubspot.fields.contact.hs_lead_score=-        # drop the property
 *   closer.webhooks.sources.hubspot.fields.contact.jobtitle=title         # property → field
 *   closer.webhooks.sources.hubspot.values.stage.appointmentscheduled=discovery
 * </pre>
 */
public final class CrmMapping {

    /** A Closer record kind and its event types. */
    public enum Entity {
        LEAD(EventTypes.LEAD_PATCHED, EventTypes.LEAD_DELETED),
        ACCOUNT(EventTypes.ACCOUNT_PATCHED, EventTypes.ACCOUNT_DELETED),
        DEAL(EventTypes.DEAL_PATCHED, EventTypes.DEAL_DELETED);

        private final String patchType;
        private final String deleteType;

        Entity(String patchType, String deleteType) {
            this.patchType = patchType;
            this.deleteType = deleteType;
        }

        public String patchType() {
            return patchType;
        }

        public String deleteType() {
            return deleteType;
        }
    }

    /** A mapped change: the record's id, and its fields and custom properties. */
    public record Change(Entity entity, String id, Map<String, Object> fields, Map<String, Object> attributes) {
    }

    /** Drops a property (the value of a field mapping). */
    public static final String DROP = "-";

    /** Fields that hold ids of other records from the same CRM: they get the id prefix too. */
    private static final Set<String> REFERENCES = Set.of("accountId", "leadId", "ownerId");
    private static final Set<String> TIMES = Set.of("createdAt", "closedAt");

    private final Map<String, Entity> objects;
    private final Map<String, Map<String, String>> fields;
    private final Map<String, Map<String, String>> values;
    private final String idPrefix;

    private CrmMapping(Map<String, Entity> objects, Map<String, Map<String, String>> fields,
                       Map<String, Map<String, String>> values, String idPrefix) {
        this.objects = objects;
        this.fields = fields;
        this.values = values;
        this.idPrefix = idPrefix;
    }

    /**
     * The mapping of a CRM type with a source's overrides.
     *
     * @param type     hubspot, salesforce or pipedrive
     * @param idPrefix prepended to every CRM id, so that two CRMs' record 123 stay apart
     * @param fields   object → property → Closer field ({@value #DROP} drops it)
     * @param values   Closer field → CRM value → Closer value
     */
    public static CrmMapping of(String type, String idPrefix, Map<String, Map<String, String>> fields,
                                Map<String, Map<String, String>> values) {
        Defaults d = switch (type) {
            case "hubspot" -> HUBSPOT;
            case "salesforce" -> SALESFORCE;
            case "pipedrive" -> PIPEDRIVE;
            default -> throw new IllegalArgumentException("no CRM mapping for type '" + type + "'");
        };
        Map<String, Map<String, String>> f = new HashMap<>();
        d.fields.forEach((object, props) -> f.put(object, new HashMap<>(props)));
        fields.forEach((object, props) -> {
            String key = object.toLowerCase(Locale.ROOT);
            if (!d.objects.containsKey(key)) {
                throw new IllegalArgumentException("fields." + object + ": " + type + " objects mapped are "
                        + d.objects.keySet());
            }
            f.computeIfAbsent(key, k -> new HashMap<>()).putAll(props);
        });
        Map<String, Map<String, String>> v = new HashMap<>();
        d.values.forEach((field, map) -> v.put(field, new HashMap<>(map)));
        values.forEach((field, map) -> v.computeIfAbsent(field, k -> new HashMap<>()).putAll(map));
        return new CrmMapping(d.objects, f, v, idPrefix);
    }

    /** The record kind of a CRM object (case-insensitive), if it is one Closer keeps. */
    public Optional<Entity> entity(String object) {
        return Optional.ofNullable(objects.get(object.toLowerCase(Locale.ROOT)));
    }

    /** The Closer id of a CRM record id. */
    public String id(Object crmId) {
        return idPrefix + crmId;
    }

    /**
     * Maps a CRM object's properties. A property with a field becomes that field (its value translated when the
     * field has a value map: an unknown value is kept as a custom property and the field left alone); the others
     * are custom properties. Times given as epoch milliseconds or dates become ISO date-times.
     */
    public Change map(String object, String crmId, Map<String, Object> properties) {
        String key = object.toLowerCase(Locale.ROOT);
        Entity entity = objects.get(key);
        if (entity == null) {
            throw new IllegalArgumentException("not a mapped object: " + object);
        }
        Map<String, String> byProperty = fields.getOrDefault(key, Map.of());
        Map<String, Object> mapped = new LinkedHashMap<>();
        Map<String, Object> custom = new LinkedHashMap<>();
        properties.forEach((property, value) -> {
            String field = byProperty.get(property);
            if (DROP.equals(field)) {
                return;
            }
            if (field == null) {
                custom.put(property, value);
                return;
            }
            Map<String, String> translate = values.get(field);
            if (translate != null && value != null) {
                String closer = translate.get(value.toString());
                if (closer == null) {
                    custom.put(property, value);
                    return;
                }
                value = closer;
            }
            if (value != null && REFERENCES.contains(field)) {
                value = value.toString().isBlank() ? null : id(value);
            } else if (value != null && TIMES.contains(field)) {
                value = isoTime(value.toString());
            } else if (value instanceof String s && s.isEmpty()) {
                value = null; // CRMs send "" for a cleared property
            }
            mapped.put(field, value);
        });
        return new Change(entity, id(crmId), mapped, custom);
    }

    /**
     * A CRM's time as ISO-8601 with an offset: epoch seconds or milliseconds ({@link #epoch}), a date (midnight
     * UTC), a UTC date-time without offset (Pipedrive's {@code 2026-03-01 10:00:00}), or ISO already. Anything else
     * is returned as it is.
     */
    static String isoTime(String value) {
        if (value.matches("\\d{9,18}")) {
            return epoch(Long.parseLong(value)).atOffset(ZoneOffset.UTC).toString();
        }
        if (value.matches("\\d{4}-\\d{2}-\\d{2}")) {
            return LocalDate.parse(value).atStartOfDay().atOffset(ZoneOffset.UTC).toString();
        }
        if (value.matches("\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}")) { // Pipedrive: UTC without an offset
            return value.replace(' ', 'T') + "Z";
        }
        try {
            return OffsetDateTime.parse(value).toString();
        } catch (RuntimeException e) {
            return value; // the event's check reports it, and the adapter keeps it as a custom property
        }
    }

    /**
     * An epoch time whose unit is not given: milliseconds above 10^11 (March 1973 in milliseconds, the year 5138 in
     * seconds), seconds otherwise, the one rule for numbers and digit strings alike.
     */
    static Instant epoch(long value) {
        return value > 100_000_000_000L ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
    }

    private record Defaults(Map<String, Entity> objects, Map<String, Map<String, String>> fields,
                            Map<String, Map<String, String>> values) {
    }

    // HubSpot's standard properties and default sales pipeline's stage ids.
    private static final Defaults HUBSPOT = new Defaults(
            Map.of("contact", Entity.LEAD, "company", Entity.ACCOUNT, "deal", Entity.DEAL),
            Map.of("contact", Map.ofEntries(Map.entry("email", "email"), Map.entry("firstname", "firstName"),
                            Map.entry("lastname", "lastName"), Map.entry("jobtitle", "title"),
                            Map.entry("hs_analytics_source", "source"), Map.entry("country", "country"),
                            Map.entry("hubspot_owner_id", "ownerId"), Map.entry("lifecyclestage", "status"),
                            Map.entry("createdate", "createdAt"), Map.entry("associatedcompanyid", "accountId"),
                            Map.entry("hs_analytics_num_visits", "websiteVisits")),
                    "company", Map.of("name", "name", "domain", "domain", "industry", "industry",
                            "numberofemployees", "employees", "country", "country", "annualrevenue", "annualRevenue"),
                    "deal", Map.of("dealname", "name", "amount", "amount", "deal_currency_code", "currency",
                            "dealstage", "stage", "hubspot_owner_id", "ownerId", "createdate", "createdAt",
                            "closedate", "closedAt")),
            Map.of("stage", Map.of("appointmentscheduled", "discovery", "qualifiedtobuy", "discovery",
                            "presentationscheduled", "demo", "decisionmakerboughtin", "proposal",
                            "contractsent", "negotiation", "closedwon", "closed_won", "closedlost", "closed_lost"),
                    "status", Map.of("subscriber", "open", "lead", "open", "marketingqualifiedlead", "open",
                            "salesqualifiedlead", "open", "opportunity", "open", "customer", "converted",
                            "evangelist", "converted")));

    // Salesforce's standard objects and fields, and the default Opportunity stages and Lead statuses.
    private static final Defaults SALESFORCE = new Defaults(
            Map.of("lead", Entity.LEAD, "contact", Entity.LEAD, "account", Entity.ACCOUNT,
                    "opportunity", Entity.DEAL),
            Map.of("lead", Map.of("Email", "email", "FirstName", "firstName", "LastName", "lastName",
                            "Title", "title", "LeadSource", "source", "Country", "country", "OwnerId", "ownerId",
                            "Status", "status", "CreatedDate", "createdAt", "Id", DROP),
                    "contact", Map.of("Email", "email", "FirstName", "firstName", "LastName", "lastName",
                            "Title", "title", "LeadSource", "source", "MailingCountry", "country",
                            "OwnerId", "ownerId", "AccountId", "accountId", "CreatedDate", "createdAt", "Id", DROP),
                    "account", Map.of("Name", "name", "Website", "domain", "Industry", "industry",
                            "NumberOfEmployees", "employees", "BillingCountry", "country",
                            "AnnualRevenue", "annualRevenue", "Id", DROP),
                    "opportunity", Map.of("Name", "name", "AccountId", "accountId", "Amount", "amount",
                            "CurrencyIsoCode", "currency", "StageName", "stage", "OwnerId", "ownerId",
                            "CreatedDate", "createdAt", "CloseDate", "closedAt", "Id", DROP)),
            Map.of("stage", Map.of("Prospecting", "prospecting", "Qualification", "discovery",
                            "Needs Analysis", "discovery", "Value Proposition", "demo", "Id. Decision Makers", "demo",
                            "Perception Analysis", "proposal", "Proposal/Price Quote", "proposal",
                            "Negotiation/Review", "negotiation", "Closed Won", "closed_won",
                            "Closed Lost", "closed_lost"),
                    "status", Map.of("Open - Not Contacted", "open", "Working - Contacted", "open",
                            "Closed - Converted", "converted", "Closed - Not Converted", "disqualified")));

    // Pipedrive's v2 webhook data (after PipedriveWebhooks flattens emails and custom fields); stage ids are each
    // company's own, so stages come from the deal's won/lost status unless values.stage maps the ids.
    private static final Defaults PIPEDRIVE = new Defaults(
            Map.of("person", Entity.LEAD, "organization", Entity.ACCOUNT, "deal", Entity.DEAL),
            Map.of("person", Map.of("email", "email", "first_name", "firstName", "last_name", "lastName",
                            "job_title", "title", "org_id", "accountId", "owner_id", "ownerId",
                            "add_time", "createdAt", "id", DROP),
                    "organization", Map.of("name", "name", "owner_id", DROP, "id", DROP),
                    "deal", Map.ofEntries(Map.entry("title", "name"), Map.entry("value", "amount"),
                            Map.entry("currency", "currency"), Map.entry("stage_id", "stage"),
                            Map.entry("closer_stage", "stage"), Map.entry("owner_id", "ownerId"),
                            Map.entry("org_id", "accountId"), Map.entry("person_id", "leadId"),
                            Map.entry("add_time", "createdAt"), Map.entry("close_time", "closedAt"),
                            Map.entry("id", DROP))),
            Map.of("stage", Map.of("closed_won", "closed_won", "closed_lost", "closed_lost")));
}
