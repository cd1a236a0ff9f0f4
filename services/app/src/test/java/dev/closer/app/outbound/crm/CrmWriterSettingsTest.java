package dev.closer.app.outbound.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.closer.app.config.CloserConfig.Webhooks.Source.Writer;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A writer's settings are checked before the app takes traffic: each problem names its setting. The settings are
 * read by SmallRye Config from properties, as the app reads them, so defaults and names are the real ones.
 */
class CrmWriterSettingsTest {

    private static final String KEY = "closer.webhooks.sources.crm.writer.";

    private static Writer writer(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>();
        properties.forEach((k, v) -> all.put("w." + k, v));
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(Writer.class, "w")
                .withSources(new PropertiesConfigSource(all, "test", 100)).build();
        return config.getConfigMapping(Writer.class, "w");
    }

    private static List<String> problems(String type, Map<String, String> properties) {
        List<String> problems = new ArrayList<>();
        CrmWriterSettings.check(KEY, type, writer(properties), problems);
        return problems;
    }

    private static void assertProblem(List<String> problems, String setting, String says) {
        assertTrue(problems.stream().anyMatch(p -> p.startsWith(KEY + setting) && p.contains(says)),
                "expected a problem with " + KEY + setting + " saying '" + says + "' in " + problems);
    }

    @Test
    void shouldTakeAHubSpotWriterWithItsTokenAndDefaultProperties() {
        Writer w = writer(Map.of("enabled", "true", "access-token", "pat-na1-0000"));
        List<String> problems = new ArrayList<>();
        CrmWriterSettings.check(KEY, "hubspot", w, problems);
        assertEquals(List.of(), problems);
        assertEquals("closer_score", CrmWriterSettings.scoreProperty("hubspot", w));
        assertEquals("closer_grade", CrmWriterSettings.gradeProperty("hubspot", w));
        assertEquals(1, w.minPoints());
    }

    @Test
    void shouldTakeASalesforceWriterWithClientCredentialsAndDefaultFields() {
        Writer w = writer(Map.of("enabled", "true", "login-url", "https://acme.my.salesforce.com",
                "client-id", "3MVG9id", "client-secret", "s3cret", "score-property", "ns__Lead_Score__c"));
        List<String> problems = new ArrayList<>();
        CrmWriterSettings.check(KEY, "salesforce", w, problems);
        assertEquals(List.of(), problems);
        assertEquals("ns__Lead_Score__c", CrmWriterSettings.scoreProperty("salesforce", w));
        assertEquals("Closer_Grade__c", CrmWriterSettings.gradeProperty("salesforce", w));
        assertEquals("v60.0", w.apiVersion());
        assertEquals("Lead", w.object());
        assertEquals("Contact", w.contactObject());
    }

    @Test
    void shouldIgnoreADisabledWritersSettings() {
        assertEquals(List.of(), problems("hubspot", Map.of("score-property", "Not Valid")));
        assertEquals(List.of(), problems("pipedrive", Map.of()));
    }

    @Test
    void shouldRefuseAHubSpotWriterWithoutAToken() {
        assertProblem(problems("hubspot", Map.of("enabled", "true")), "access-token", "required");
        assertProblem(problems("hubspot", Map.of("enabled", "true", "access-token", "  ")), "access-token",
                "required");
        assertProblem(problems("hubspot", Map.of("enabled", "true", "access-token", "pat na1")), "access-token",
                "white space");
    }

    @Test
    void shouldRefusePropertyNamesTheCrmCannotHave() {
        List<String> hubspot = problems("hubspot", Map.of("enabled", "true", "access-token", "t",
                "score-property", "Closer_Score__c", "grade-property", "closer grade"));
        assertProblem(hubspot, "score-property", "not a HubSpot property's internal name");
        assertProblem(hubspot, "grade-property", "not a HubSpot property's internal name");
        List<String> salesforce = problems("salesforce", Map.of("enabled", "true",
                "login-url", "https://acme.my.salesforce.com", "client-id", "id", "client-secret", "s",
                "score-property", "closer-score", "grade-property", "Closer_Grade_", "object", "1Lead",
                "contact-object", "Con tact", "api-version", "60"));
        assertProblem(salesforce, "score-property", "not a Salesforce field API name");
        assertProblem(salesforce, "grade-property", "not a Salesforce field API name");
        assertProblem(salesforce, "object", "not an object API name");
        assertProblem(salesforce, "contact-object", "not an object API name");
        assertProblem(salesforce, "api-version", "not a version like v60.0");
        assertEquals(5, salesforce.size(), salesforce.toString());
    }

    @Test
    void shouldRefuseAWriterThatWouldWriteNothing() {
        assertProblem(problems("hubspot", Map.of("enabled", "true", "access-token", "t", "score-property", "-",
                "grade-property", "-")), "score-property, grade-property", "nothing would be written");
        assertEquals(List.of(), problems("hubspot", Map.of("enabled", "true", "access-token", "t",
                "grade-property", "-")), "a score alone is fine");
        assertProblem(problems("hubspot", Map.of("enabled", "true", "access-token", "t", "min-points", "0")),
                "min-points", "at least 1");
    }

    @Test
    void shouldRefuseASalesforceWriterWithoutItsCredentialsOrWithTheGenericLoginHost() {
        List<String> missing = problems("salesforce", Map.of("enabled", "true"));
        assertProblem(missing, "login-url", "required");
        assertProblem(missing, "client-id", "required");
        assertProblem(missing, "client-secret", "required");
        assertProblem(problems("salesforce", Map.of("enabled", "true", "login-url", "https://login.salesforce.com",
                "client-id", "id", "client-secret", "s")), "login-url", "My Domain");
        assertProblem(problems("salesforce", Map.of("enabled", "true", "login-url", "acme.my.salesforce.com",
                "client-id", "id", "client-secret", "s")), "login-url", "not an absolute http(s) URL");
    }

    @Test
    void shouldRefuseAnotherCrmsSettingsAndWritersForCrmsWithoutOne() {
        assertProblem(problems("salesforce", Map.of("enabled", "true", "login-url", "https://acme.my.salesforce.com",
                "client-id", "id", "client-secret", "s", "access-token", "t")), "access-token",
                "not a salesforce setting");
        assertProblem(problems("hubspot", Map.of("enabled", "true", "access-token", "t", "client-secret", "s")),
                "client-secret", "not a hubspot setting");
        assertProblem(problems("hubspot", Map.of("enabled", "true", "access-token", "t", "base-url", "ftp://x")),
                "base-url", "not an absolute http(s) URL");
        assertProblem(problems("pipedrive", Map.of("enabled", "true")), "enabled", "a pipedrive source has no writer");
        assertProblem(problems("generic", Map.of("enabled", "true")), "enabled", "a generic source has no writer");
    }
}
