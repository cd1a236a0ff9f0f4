package dev.closer.app.events;

import static dev.closer.app.support.Api.leadEvent;
import static dev.closer.app.support.Api.unique;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.auth.ApiKeyService;
import dev.closer.app.auth.Roles;
import dev.closer.app.lead.LeadRepository;
import dev.closer.app.lead.LeadScoreRepository;
import dev.closer.app.support.Api;
import dev.closer.ingest.data.LeadData;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A CloudEvent posted over HTTP goes through the real Kafka broker into PostgreSQL, scored by ONNX Runtime. */
@QuarkusTest
class EventIngestIT {

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "closer.models.lead-score-version")
    String served;

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Set<String> LEAD_FIELDS = Arrays.stream(LeadData.class.getRecordComponents())
            .map(c -> c.getName()).collect(Collectors.toSet());

    @Inject
    ApiKeyService keys;
    @Inject
    LeadRepository leads;
    @Inject
    LeadScoreRepository scores;
    @Inject
    ObjectMapper json;

    private String admin;

    @BeforeEach
    void key() {
        admin = Api.newKey(keys, Roles.ADMIN, null).key();
    }

    private long scoreRows(String leadId) {
        return QuarkusTransaction.requiringNew().call(() -> scores.count("leadId", leadId));
    }

    private void post(String body) {
        Api.as(admin).contentType("application/cloudevents+json").body(body).post("/api/v1/events")
                .then().statusCode(202);
    }

    /** Fields the scorer takes from the lead's account (LeadRecords), posted as an account event. */
    private static final Set<String> ACCOUNT_FIELDS = Set.of("industry", "employees");

    /**
     * The first line of the committed parity file without a timeline whose fields are lead (and account) fields,
     * with PyTorch's probability.
     */
    private Map.Entry<Map<String, Object>, Double> parityLead() throws Exception {
        Path parity = Path.of(System.getProperty("closer.models.dir")).resolve("lead-score/" + served + "/parity.jsonl");
        for (String line : Files.readAllLines(parity)) {
            Map<String, Object> row = json.readValue(line, new TypeReference<>() { });
            @SuppressWarnings("unchecked")
            Map<String, Object> input = new java.util.HashMap<>((Map<String, Object>) row.get("input"));
            // A lead posted alone has no timeline: lines with activities need them stored too.
            if (input.get("activities") instanceof List<?> a && !a.isEmpty()) {
                continue;
            }
            input.remove("activities");
            input.remove("asOf");
            boolean known = input.keySet().stream().allMatch(k -> LEAD_FIELDS.contains(k) || ACCOUNT_FIELDS.contains(k));
            boolean whole = input.values().stream().filter(java.util.Objects::nonNull).count() >= 6
                    && (input.get("employees") == null || input.get("employees") instanceof Integer);
            if (known && whole) {
                return Map.entry(input, ((Number) row.get("probability")).doubleValue());
            }
        }
        throw new AssertionError("no usable line in " + parity);
    }

    @Test
    void shouldStoreAPostedLeadWithTheScoreTheModelGives() throws Exception {
        var parity = parityLead();
        String leadId = unique("lead");
        Map<String, Object> lead = new java.util.HashMap<>(parity.getKey());
        Map<String, Object> account = new java.util.HashMap<>();
        ACCOUNT_FIELDS.forEach(f -> {
            if (lead.containsKey(f)) {
                account.put(f, lead.remove(f));
            }
        });
        if (!account.isEmpty()) {
            String accountId = unique("account");
            account.put("id", accountId);
            account.put("name", "Parity Inc");
            lead.put("accountId", accountId);
            post("""
                    {"specversion":"1.0","id":"%s","source":"closer/test","type":"closer.account.upserted",
                     "subject":"%s","time":"2026-03-01T09:00:00Z","data":%s}"""
                    .formatted(unique("evt"), accountId, json.writeValueAsString(account)));
        }
        String data = json.writeValueAsString(lead);
        post(leadEvent(unique("evt"), leadId, "2026-03-01T10:00:00Z", data.substring(1, data.length() - 1)));

        await().atMost(WAIT).until(() -> scoreRows(leadId) == 1);
        var body = Api.as(admin).get("/api/v1/leads/" + leadId)
                .then().statusCode(200)
                .body("id", equalTo(leadId))
                .body("score.model", equalTo("lead-score/" + served))
                .body("score.grade", notNullValue())
                .extract().jsonPath();
        double probability = body.getDouble("score.probability");
        assertEquals(parity.getValue(), probability, 1e-5, "the app scores as ml/ did");
        assertEquals(Math.max(1, Math.min(99, Math.round(probability * 100))), body.getInt("score.score"));
        List<Map<String, Object>> factors = body.getList("score.factors");
        assertTrue(!factors.isEmpty() && factors.size() <= 6, factors.toString());
        for (Map<String, Object> f : factors) {
            double points = ((Number) f.get("points")).doubleValue();
            assertTrue("positive".equals(f.get("direction")) ? points >= 0 : points <= 0, f.toString());
            String text = f.get("text").toString();
            String label = f.get("label").toString();
            assertTrue(text.startsWith(Character.toUpperCase(label.charAt(0)) + label.substring(1)),
                    "worded for a rep, with the feature's label: " + f);
        }
    }

    @Test
    void shouldStoreTheSameEventOnceWhenItArrivesTwice() {
        String leadId = unique("lead");
        String event = leadEvent(unique("evt"), leadId, "2026-03-01T10:00:00Z", "\"title\":\"first\"");
        post(event);
        post(event);
        // Same subject, same partition: once this later event is applied, both copies before it were read.
        post(leadEvent(unique("evt"), leadId, "2026-03-01T11:00:00Z", "\"title\":\"marker\""));
        await().atMost(WAIT).until(() -> "marker".equals(
                QuarkusTransaction.requiringNew().call(() -> leads.findByIdOptional(leadId).map(l -> l.title).orElse(null))));
        await().atMost(WAIT).until(() -> scoreRows(leadId) >= 1);
        // Neither copy nor the marker (a title) moves the score, and history keeps only changes: one row.
        assertEquals(1L, scoreRows(leadId), "one score for the lead, not one per copy of the event");
        assertEquals(1L, QuarkusTransaction.requiringNew().call(() -> leads.count("id", leadId)));
    }

    @Test
    void shouldKeepTheNewestStateWhenAnOlderUpsertArrivesLate() {
        String leadId = unique("lead");
        post(leadEvent(unique("evt"), leadId, "2026-03-02T10:00:00Z", "\"title\":\"CTO\""));
        post(leadEvent(unique("evt"), leadId, "2026-03-01T10:00:00Z", "\"title\":\"Intern\""));
        String after = unique("evt");
        post(leadEvent(after, leadId, "2026-03-02T10:00:00Z", "\"title\":\"CTO\",\"websiteVisits\":9"));
        await().atMost(WAIT).until(() -> scoreRows(leadId) >= 1 && QuarkusTransaction.requiringNew().call(() ->
                ((Number) leads.getEntityManager().createNativeQuery(
                        "select count(*) from lead_score_queue where lead_id = ?1").setParameter(1, leadId)
                        .getSingleResult()).longValue()) == 0);
        var lead = Api.as(admin).get("/api/v1/leads/" + leadId).then().body("title", equalTo("CTO"))
                .body("websiteVisits", equalTo(9.0f)).extract().jsonPath();
        double expected = Api.as(admin).contentType("application/json").body("{\"title\":\"CTO\",\"websiteVisits\":9}")
                .post("/api/v1/score").then().statusCode(200).extract().jsonPath().getDouble("probability");
        assertEquals(expected, lead.getDouble("score.probability"), 1e-9, "the newest state was scored last");
    }

    @Test
    void shouldRejectABatchWithAnInvalidEventAndAcceptNothingOfIt() {
        String good = unique("lead");
        String body = "[" + leadEvent(unique("evt"), good, "2026-03-01T10:00:00Z", null) + ","
                + leadEvent("bad-1", "lead-x", "2026-03-01T10:00:00Z", "\"websiteVisits\":\"lots\"") + "]";
        Api.as(admin).contentType("application/cloudevents-batch+json").body(body).post("/api/v1/events")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("1 event(s) are invalid"))
                .body("errors[0].index", equalTo(1))
                .body("errors[0].id", equalTo("bad-1"))
                .body("errors[0].errors", contains("data.websiteVisits: expected a number"));
        String marker = unique("lead");
        post(leadEvent(unique("evt"), marker, "2026-03-01T10:00:00Z", null));
        await().atMost(WAIT).until(() -> scoreRows(marker) == 1);
        assertEquals(0L, QuarkusTransaction.requiringNew().call(() -> leads.count("id", good)));
    }

    @Test
    void shouldApplyTheDataConstraintsOfTheEventType() {
        Api.as(admin).contentType("application/cloudevents+json")
                .body(leadEvent("bad-2", unique("lead"), "2026-03-01T10:00:00Z",
                        "\"email\":\"not-an-email\",\"status\":\"maybe\""))
                .post("/api/v1/events")
                .then().statusCode(400)
                .body("errors[0].errors", contains("data.email: must be a well-formed email address",
                        "data.status: must be open, converted or disqualified"));
    }

    @Test
    void shouldAcceptABatchAndAnswerWithTheIds() {
        String a = unique("lead");
        String b = unique("lead");
        String body = "[" + leadEvent("e-" + a, a, "2026-03-01T10:00:00Z", null) + ","
                + leadEvent("e-" + b, b, "2026-03-01T10:00:00Z", null) + "]";
        Api.as(admin).contentType("application/cloudevents-batch+json").body(body).post("/api/v1/events")
                .then().statusCode(202).body("accepted", equalTo(2)).body("ids", contains("e-" + a, "e-" + b));
        await().atMost(WAIT).until(() -> scoreRows(a) == 1 && scoreRows(b) == 1);
    }

    @Test
    void shouldExplainUnsupportedBodiesAndUnknownLeads() {
        Api.as(admin).contentType("text/plain").body("hello").post("/api/v1/events")
                .then().statusCode(415).contentType("application/problem+json");
        Api.as(admin).contentType("application/json").body("{nope").post("/api/v1/events")
                .then().statusCode(400).body("detail", containsString("not valid JSON"));
        Api.as(admin).get("/api/v1/leads/" + unique("missing"))
                .then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("No lead"));
    }

    @Test
    void shouldNotLetARepSendEvents() {
        String rep = Api.newKey(keys, Roles.REP, null).key();
        Api.as(rep).contentType("application/cloudevents+json")
                .body(leadEvent(unique("evt"), unique("lead"), "2026-03-01T10:00:00Z", null))
                .post("/api/v1/events").then().statusCode(403);
    }

    @Test
    void shouldListTheServedModelWithItsMetrics() {
        List<String> versions = Api.as(admin).get("/api/v1/models").then().statusCode(200)
                .extract().jsonPath().getList("findAll { it.name == 'lead-score' }.version");
        assertTrue(versions.containsAll(List.of("v0", "v1")), versions.toString());
        Api.as(admin).get("/api/v1/models").then()
                .body("find { it.name == 'lead-score' && it.status == 'active' }.version", equalTo(served))
                .body("find { it.name == 'lead-score' && it.version == 'v0' }.metrics.dataset.name",
                        equalTo("leads-x-education"))
                .body("find { it.name == 'lead-score' && it.version == 'v1' }.metrics.dataset.name",
                        equalTo("sales-world"));
    }
}
