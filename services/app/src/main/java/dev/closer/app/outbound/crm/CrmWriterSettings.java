package dev.closer.app.outbound.crm;

import dev.closer.app.config.CloserConfig.Webhooks.Source.Writer;
import dev.closer.app.config.SettingChecks;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A webhook source's {@code writer.*} settings, checked at start-up (by WebhookSources, with the source's other
 * settings) so that a writer that cannot work stops the app with the setting's name instead of filling the
 * delivery log with refusals; and the defaults that depend on the CRM.
 */
public final class CrmWriterSettings {

    /** The CRM types that have a writer. */
    public static final Set<String> TYPES = Set.of("hubspot", "salesforce");

    /** A property (field) setting of {@value} writes nothing for it. */
    public static final String NONE = "-";

    static final String HUBSPOT_BASE_URL = "https://api.hubapi.com";

    /** HubSpot's internal property names: lower-case letters, digits and underscores, starting with a letter. */
    private static final Pattern HUBSPOT_PROPERTY = Pattern.compile("[a-z][a-z0-9_]*");
    /**
     * Salesforce API names: a letter, then letters, digits and single underscores, not ending in one; custom ones
     * end in {@code __c} and may start with a namespace and {@code __} (e.g. {@code ns__Closer_Score__c}).
     */
    private static final Pattern SALESFORCE_NAME = Pattern.compile(
            "(?:[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*__)?[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*(?:__c)?");
    private static final Pattern SALESFORCE_API_VERSION = Pattern.compile("v\\d{2,3}\\.\\d");

    private CrmWriterSettings() {
    }

    /**
     * Adds a line to {@code problems} for each setting of an enabled writer that is missing or malformed.
     *
     * @param key  the settings' prefix, e.g. {@code closer.webhooks.sources.hubspot.writer.}
     * @param type the source's type
     */
    public static void check(String key, String type, Writer writer, List<String> problems) {
        if (!writer.enabled()) {
            return;
        }
        if (!TYPES.contains(type)) {
            problems.add(key + "enabled: a " + type + " source has no writer (writers: " + TYPES + ")");
            return;
        }
        boolean hubspot = type.equals("hubspot");
        if (hubspot) {
            if (SettingChecks.require(problems, key + "access-token", writer.accessToken(), "the HubSpot private "
                    + "app's access token, with the crm.objects.contacts.write scope")
                    && writer.accessToken().get().chars().anyMatch(Character::isWhitespace)) {
                problems.add(key + "access-token: contains white space");
            }
            writer.baseUrl().ifPresent(u -> url(key + "base-url", u, problems));
            notFor(key, "client-id", writer.clientId(), "hubspot", "access-token", problems);
            notFor(key, "client-secret", writer.clientSecret(), "hubspot", "access-token", problems);
            notFor(key, "login-url", writer.loginUrl(), "hubspot", "base-url", problems);
        } else {
            if (SettingChecks.require(problems, key + "login-url", writer.loginUrl(), "the org's My Domain URL, e.g. "
                    + "https://acme.my.salesforce.com") && url(key + "login-url", writer.loginUrl().get(), problems)) {
                String host = URI.create(writer.loginUrl().get().trim()).getHost().toLowerCase(Locale.ROOT);
                if (host.equals("login.salesforce.com") || host.equals("test.salesforce.com")) {
                    problems.add(key + "login-url: the client credentials flow needs the org's My Domain URL "
                            + "(https://<domain>.my.salesforce.com), not " + host);
                }
            }
            SettingChecks.require(problems, key + "client-id", writer.clientId(), "the app's consumer key");
            SettingChecks.require(problems, key + "client-secret", writer.clientSecret(), "the app's consumer secret");
            if (!SALESFORCE_API_VERSION.matcher(writer.apiVersion()).matches()) {
                problems.add(key + "api-version: '" + writer.apiVersion() + "' is not a version like v60.0");
            }
            if (!SALESFORCE_NAME.matcher(writer.object()).matches()) {
                problems.add(key + "object: '" + writer.object() + "' is not an object API name (e.g. Lead)");
            }
            if (!writer.contactObject().equals(NONE) && !SALESFORCE_NAME.matcher(writer.contactObject()).matches()) {
                problems.add(key + "contact-object: '" + writer.contactObject() + "' is not an object API name "
                        + "(e.g. Contact) or -");
            }
            notFor(key, "access-token", writer.accessToken(), "salesforce", "client-id and client-secret", problems);
            notFor(key, "base-url", writer.baseUrl(), "salesforce", "login-url", problems);
        }
        String score = scoreProperty(type, writer);
        String grade = gradeProperty(type, writer);
        property(key + "score-property", score, hubspot, problems);
        property(key + "grade-property", grade, hubspot, problems);
        if (score.equals(NONE) && grade.equals(NONE)) {
            problems.add(key + "score-property, grade-property: both are -, so nothing would be written");
        }
        if (writer.minPoints() < 1) {
            problems.add(key + "min-points: must be at least 1");
        }
    }

    /** The property that receives the score ({@value #NONE}: none). */
    public static String scoreProperty(String type, Writer writer) {
        return writer.scoreProperty().map(String::trim)
                .orElse(type.equals("hubspot") ? "closer_score" : "Closer_Score__c");
    }

    /** The property that receives the grade ({@value #NONE}: none). */
    public static String gradeProperty(String type, Writer writer) {
        return writer.gradeProperty().map(String::trim)
                .orElse(type.equals("hubspot") ? "closer_grade" : "Closer_Grade__c");
    }

    private static void property(String key, String name, boolean hubspot, List<String> problems) {
        if (name.equals(NONE)) {
            return;
        }
        if (hubspot && !HUBSPOT_PROPERTY.matcher(name).matches()) {
            problems.add(key + ": '" + name + "' is not a HubSpot property's internal name (lower-case letters, "
                    + "digits and _, starting with a letter, e.g. closer_score) or -");
        } else if (!hubspot && !SALESFORCE_NAME.matcher(name).matches()) {
            problems.add(key + ": '" + name + "' is not a Salesforce field API name (e.g. Closer_Score__c) or -");
        }
    }

    private static boolean url(String key, String value, List<String> problems) {
        if (SettingChecks.httpUrl(value.trim()).filter(u -> u.getQuery() == null && u.getFragment() == null)
                .isPresent()) {
            return true;
        }
        problems.add(key + ": '" + value + "' is not an absolute http(s) URL without query");
        return false;
    }

    private static void notFor(String key, String setting, Optional<String> value, String type, String instead,
                               List<String> problems) {
        if (value.isPresent()) {
            problems.add(key + setting + ": not a " + type + " setting (" + type + " uses " + instead + ")");
        }
    }
}
