package dev.closer.app.scoring;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.closer.app.auth.ApiKeyService;
import dev.closer.app.auth.Roles;
import dev.closer.app.lead.LeadRepository;
import dev.closer.app.support.Api;
import dev.closer.inference.InferenceOptions;
import dev.closer.inference.ModelBundle;
import dev.closer.inference.tabular.TabularModel;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** POST /api/v1/score: the same score and factors as stored scores, computed without storing anything. */
@QuarkusTest
class ScoreResourceIT {

    @Inject
    ApiKeyService keys;
    @Inject
    LeadRepository leads;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "closer.models.lead-score-version")
    String served;

    @Test
    void shouldScoreAPayloadAsTheModelDoesAndStoreNothing() {
        String rep = Api.newKey(keys, Roles.REP, null).key();
        long before = QuarkusTransaction.requiringNew().call(() -> leads.count());
        java.time.Instant now = java.time.Instant.now();
        List<Map<String, Object>> activities = List.of(
                Map.of("type", "page_view", "occurredAt", now.minus(java.time.Duration.ofDays(2)).toString(),
                        "properties", Map.of("page", "pricing")),
                Map.of("type", "email_replied", "occurredAt", now.minus(java.time.Duration.ofDays(1)).toString()));
        Map<String, Object> payload = Map.of("source", "paid_search", "seniority", "director",
                "department", "data", "websiteVisits", 4, "websiteSeconds", 1200, "doNotEmail", false,
                "account", Map.of("industry", "Software", "employees", 400), "activities", activities);
        double probability = Api.as(rep).contentType("application/json").body(payload).post("/api/v1/score")
                .then().statusCode(200)
                .body("model", equalTo("lead-score/" + served))
                .body("factors", org.hamcrest.Matchers.not(org.hamcrest.Matchers.empty()))
                .extract().jsonPath().getDouble("probability");
        Map<String, Object> record = new java.util.HashMap<>(payload);
        record.remove("account");
        record.putAll(Map.of("industry", "Software", "employees", 400, "asOf", now));
        try (TabularModel model = TabularModel.open(ModelBundle.fromDirectory(Path.of(
                System.getProperty("closer.models.dir")).resolve("lead-score/" + served)), InferenceOptions.cpu())) {
            // The app scores as of its own clock, a moment after `now`: days-old activities barely notice.
            assertEquals(model.predict(List.of(record))[0], probability, 1e-4);
        }
        // Without factors: the same score from one model run, and no factors (the activity is recent: no decay).
        var bare = Api.as(rep).contentType("application/json").body(payload).queryParam("factors", false)
                .post("/api/v1/score").then().statusCode(200).body("factors", org.hamcrest.Matchers.empty())
                .extract().jsonPath();
        assertEquals(probability, bare.getDouble("probability"), 1e-4);
        assertEquals(before, QuarkusTransaction.requiringNew().call(() -> leads.count()));
    }

    @Test
    void shouldSayWhatIsWrongWithAPayload() {
        String rep = Api.newKey(keys, Roles.REP, null).key();
        Api.as(rep).contentType("application/json").body(Map.of("webVisits", 3, "source", "Google"))
                .post("/api/v1/score").then().statusCode(400).contentType("application/problem+json")
                .body("errors", contains("webVisits: unknown field (custom properties go under attributes)"));
        Api.as(rep).contentType("application/json").body(Map.of("email", "nope", "websiteVisits", -2))
                .post("/api/v1/score").then().statusCode(400)
                .body("errors", hasSize(2))
                .body("errors", contains("email: must be a well-formed email address",
                        "websiteVisits: must be greater than or equal to 0"));
        Api.as(rep).contentType("application/json")
                .body(Map.of("activities", List.of(Map.of("type", "page_view", "occurredAt", "last week"))))
                .post("/api/v1/score").then().statusCode(400)
                .body("errors", contains("activities[0]: needs a type and an ISO-8601 occurredAt with an offset"));
    }
}
