package dev.closer.app.email;

import static dev.closer.app.support.Api.unique;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.auth.ApiKeyService;
import dev.closer.app.support.Api;
import dev.closer.app.support.Db;
import dev.closer.app.support.Teams;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.config.JsonConfig;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Email intelligence through the real models (the BGE-small encoder, ml/models/reply-intent, ml/models/reply-score,
 * through ONNX Runtime): replies arriving as CloudEvents are stripped and classified by the background worker, an
 * unsubscribe opts the lead out on the record and a later CRM upsert cannot undo it, sent emails get a stored
 * p(reply), and a draft's suggestions are exactly the model's scores of the variants they propose.
 */
@QuarkusTest
@TestProfile(EmailIntelligenceIT.Workers.class)
class EmailIntelligenceIT {

    /** The reply and sent-email workers on (they are off in other tests, which do not need the models). */
    public static class Workers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("closer.emails.classify-replies", "true", "closer.emails.predict-sent", "true",
                    "closer.emails.classify-interval", "200ms");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ApiKeyService keys;
    @Inject
    EntityManager em;

    @Test
    void repliesAreClassifiedAndAnUnsubscribeOptsTheLeadOutOnTheRecord() throws IOException {
        Teams t = Teams.create(keys);
        String lead = t.eastLead();
        String email = unique("email");
        List<String> events = new ArrayList<>();
        events.add(Api.leadEvent(unique("evt"), lead, "2026-03-01T09:00:00Z",
                "\"email\":\"dana@example.com\",\"ownerId\":\"" + t.repEast().userId() + "\",\"doNotEmail\":false"));
        events.add(sent(lead, email, "2026-03-02T09:00:00Z", "Quick question",
                "Hi Dana, would a short call about your pipeline reporting be useful?"));
        String interested = reply(events, lead, email, "2026-03-02T11:00:00Z", """
                Yes, this is timely. Can you do Thursday afternoon for a demo?

                Best,
                Dana Whitfield
                VP Operations

                On Mon, Mar 2, 2026 at 9:00 AM Sam <sam@lumora.example> wrote:
                > Hi Dana, would a short call about your pipeline reporting be useful?
                """);
        String unsubscribe = reply(events, lead, email, "2026-03-02T12:00:00Z",
                "Please remove me from your mailing list and stop emailing me. Unsubscribe.");
        String outOfOffice = reply(events, lead, email, "2026-03-02T09:01:00Z",
                "<html><body><p>I am out of the office until March 9 with no access to email. For urgent matters "
                        + "contact my colleague.</p></body></html>");
        post(t.admin(), events);

        await().atMost(Duration.ofSeconds(90)).until(() -> Db.count(em,
                "select count(*) from reply_intents where lead_id = ?1", lead) == 3);
        assertEquals("interested", Db.text(em, "select intent from reply_intents where reply_id = ?1", interested));
        assertEquals("Yes, this is timely. Can you do Thursday afternoon for a demo?",
                Db.text(em, "select new_text from reply_intents where reply_id = ?1", interested));
        assertEquals("out_of_office", Db.text(em, "select intent from reply_intents where reply_id = ?1", outOfOffice));
        // The stored tone is the tone head's p(positive) read through the head's own neutral band.
        JsonNode band = JSON.readTree(Files.readAllBytes(Path.of(System.getProperty("closer.models.dir"),
                "tone", "v1", "features.json"))).get("neutral");
        double positive = Double.parseDouble(Db.text(em,
                "select tone_positive::text from reply_intents where reply_id = ?1", interested));
        String expected = positive <= band.get("low").asDouble() ? "negative"
                : positive >= band.get("high").asDouble() ? "positive" : "neutral";
        assertEquals(expected, Db.text(em, "select tone from reply_intents where reply_id = ?1", interested));
        assertEquals("unsubscribe", Db.text(em, "select intent from reply_intents where reply_id = ?1", unsubscribe));
        assertEquals("do_not_email", Db.text(em, "select acted from reply_intents where reply_id = ?1", unsubscribe));

        Api.as(t.repEast().key()).get("/api/v1/leads/" + lead + "/opt-outs").then().statusCode(200)
                .body("doNotEmail", equalTo(true))
                .body("optedOutAt", notNullValue())
                .body("changes", hasSize(1))
                .body("changes[0].replyId", equalTo(unsubscribe))
                .body("changes[0].changedBy", equalTo("closer/reply-intent"))
                .body("changes[0].reason", containsString("classified unsubscribe"));
        Api.as(t.repWest().key()).get("/api/v1/leads/" + lead + "/opt-outs").then().statusCode(403);

        // The CRM still says doNotEmail=false: its next upsert does not undo Closer's opt-out.
        post(t.admin(), List.of(Api.leadEvent(unique("evt"), lead, "2026-03-03T09:00:00Z",
                "\"email\":\"dana@example.com\",\"ownerId\":\"" + t.repEast().userId() + "\",\"doNotEmail\":false,"
                        + "\"title\":\"VP Operations\"")));
        await().atMost(Duration.ofSeconds(30)).until(() -> "VP Operations".equals(
                Db.text(em, "select title from leads where id = ?1", lead)));
        assertEquals("true", Db.text(em, "select do_not_email::text from leads where id = ?1", lead));

        Api.as(t.repEast().key()).delete("/api/v1/leads/" + lead + "/opt-out?reason=asked+again").then()
                .statusCode(403);
        Api.as(t.admin()).delete("/api/v1/leads/" + lead + "/opt-out").then().statusCode(400)
                .body("detail", containsString("reason is required"));
        Api.as(t.admin()).delete("/api/v1/leads/" + lead + "/opt-out?reason=The+lead+asked+to+hear+from+us+again")
                .then().statusCode(200)
                .body("doNotEmail", equalTo(false))
                .body("changes", hasSize(2))
                .body("changes[0].doNotEmail", equalTo(false));

        // Sent emails are predicted at ingest; the calibration endpoint joins them with their replies.
        await().atMost(Duration.ofSeconds(60)).until(() -> Db.count(em,
                "select count(*) from email_predictions where email_id = ?1", email) == 1);
        double p = Double.parseDouble(Db.text(em, "select p_reply::text from email_predictions where email_id = ?1",
                email));
        assertTrue(p > 0 && p < 1, "p(reply) " + p);
        long predicted = Db.count(em, """
                select count(*) from email_predictions p join emails e on e.id = p.email_id
                 where p.model = 'reply-score/v1' and e.sent_at >= now() - interval '3650 days' and e.sent_at < now()""");
        JsonPath calibration = Api.as(t.admin()).get("/api/v1/emails/calibration?days=3650&settleDays=0").then()
                .statusCode(200).body("model", equalTo("reply-score/v1")).extract().jsonPath();
        assertEquals(predicted, calibration.getLong("emails"));
        assertEquals(predicted, calibration.getList("bins.emails", Long.class).stream().mapToLong(Long::longValue)
                .sum());
        Api.as(t.repEast().key()).get("/api/v1/emails/calibration").then().statusCode(403);
    }

    @Test
    void classifyAnswersWithoutStoringAndRefusesBadInput() {
        Teams t = Teams.create(keys);
        StringBuilder chain = new StringBuilder("Not interested, thanks.\n\n");
        for (int level = 1; level <= 50; level++) {
            chain.append(">".repeat(level)).append(" On Mon, Sam wrote: message ").append(level).append('\n');
        }
        Api.as(t.repEast().key()).contentType("application/json").body(Map.of("body", chain.toString()))
                .post("/api/v1/replies/classify").then().statusCode(200)
                .body("newText", equalTo("Not interested, thanks."))
                .body("stripped.quote", equalTo(true))
                .body("intent", equalTo("not_interested"));
        Api.as(t.repEast().key()).contentType("application/json").body(Map.of("body", "> only a quote"))
                .post("/api/v1/replies/classify").then().statusCode(200).body("intent", equalTo("no_text"));
        Api.as(t.repEast().key()).contentType("application/json").body(Map.of("body", " "))
                .post("/api/v1/replies/classify").then().statusCode(400).body("detail", containsString("empty"));
        Api.as(t.repEast().key()).contentType("application/json").body(Map.of("body", "a\u0000b"))
                .post("/api/v1/replies/classify").then().statusCode(400).body("detail", containsString("binary"));
        Api.as(t.repEast().key()).contentType("application/json").body(Map.of("body", "x".repeat(200_000)))
                .post("/api/v1/replies/classify").then().statusCode(413);
        // Bytes that are not UTF-8 never reach the model: the JSON parser refuses them.
        Api.as(t.repEast().key()).contentType("application/json; charset=utf-8")
                .body(new byte[] {'{', '"', 'b', 'o', 'd', 'y', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'})
                .post("/api/v1/replies/classify").then().statusCode(400);
    }

    @Test
    void aDraftsSuggestionsAreTheModelsScoresOfTheVariantsTheyPropose() {
        Teams t = Teams.create(keys);
        String lead = t.eastLead();
        post(t.admin(), List.of(Api.leadEvent(unique("evt"), lead, "2026-03-01T09:00:00Z",
                "\"email\":\"dana@example.com\",\"ownerId\":\"" + t.repEast().userId() + "\",\"seniority\":\"vp\","
                        + "\"attributes\":{\"timezone\":\"Europe/Berlin\"}")));
        await().atMost(Duration.ofSeconds(30)).until(() -> Db.count(em, "select count(*) from leads where id = ?1",
                lead) == 1);
        String body = ("We help operations teams cut the time they spend on reporting. Our platform connects to "
                + "the tools you already use and builds the dashboards your leadership asks for every week. "
                + "Customers in logistics and manufacturing saw their weekly reporting time drop by half within a "
                + "quarter. ").repeat(4) + "Let me know if you want to learn more.";
        // Saturday 23:00 in Berlin, a long body, no question: the model should see room for improvement.
        JsonPath scored = read(t.repEast().key()).contentType("application/json")
                .body(Map.of("leadId", lead, "subject", "Reporting time", "body", body, "sequenceStep", 1,
                        "sendAt", "2026-03-07T22:00:00Z"))
                .post("/api/v1/emails/drafts/score").then().statusCode(200)
                .body("pReply", greaterThan(0.0))
                .body("pReply", lessThan(1.0))
                .body("model", equalTo("reply-score/v1"))
                .body("recipient.timezone", equalTo("Europe/Berlin"))
                .body("text.questions", equalTo(0))
                .extract().jsonPath();
        double p = scored.getDouble("pReply");
        List<Map<String, Object>> suggestions = scored.getList("suggestions");
        assertFalse(suggestions.isEmpty(), "no suggestion for a long Saturday-night email without a question");
        for (Map<String, Object> s : suggestions) {
            Map<String, Object> variant = new HashMap<>(Map.of("leadId", lead, "sequenceStep", 1,
                    "subject", s.get("subject") != null ? s.get("subject") : "Reporting time",
                    "body", s.get("body") != null ? s.get("body") : body,
                    "sendAt", s.get("sendAt") != null ? s.get("sendAt") : "2026-03-07T22:00:00Z"));
            double again = read(t.repEast().key()).contentType("application/json").body(variant)
                    .post("/api/v1/emails/drafts/score").then().statusCode(200).extract().jsonPath()
                    .getDouble("pReply");
            assertEquals(((Number) s.get("pReply")).doubleValue(), again, 1e-6, "suggestion " + s.get("kind"));
            assertEquals(100 * (again - p), ((Number) s.get("deltaPoints")).doubleValue(), 1e-4);
        }

        Api.as(t.repWest().key()).contentType("application/json")
                .body(Map.of("leadId", lead, "subject", "Hi", "body", "Hello")).post("/api/v1/emails/drafts/score")
                .then().statusCode(403);
        Api.as(t.repEast().key()).contentType("application/json").body(Map.of("subject", " ", "body", ""))
                .post("/api/v1/emails/drafts/score").then().statusCode(400)
                .body("detail", containsString("nothing to score"));
        Api.as(t.repEast().key()).contentType("application/json")
                .body(Map.of("subject", "Hi", "body", "Hello", "recipientTimezone", "Mars/Olympus"))
                .post("/api/v1/emails/drafts/score").then().statusCode(400)
                .body("detail", containsString("IANA time zone"));
        Api.as(t.repEast().key()).contentType("application/json")
                .body(Map.of("subject", "Hi", "body", "word ".repeat(30_000)))
                .post("/api/v1/emails/drafts/score").then().statusCode(413);
        // A draft pasted as HTML is scored on its text.
        read(t.repEast().key()).contentType("application/json")
                .body(Map.of("subject", "Hi", "body", "<div>Hi Dana,</div><p>Would a <b>short</b> call help?</p>"))
                .post("/api/v1/emails/drafts/score").then().statusCode(200)
                .body("text.words", equalTo(7))
                .body("text.questions", equalTo(1));
    }

    private static RequestSpecification read(String key) {
        return Api.as(key).config(RestAssured.config().jsonConfig(
                JsonConfig.jsonConfig().numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE)));
    }

    private static void post(String admin, List<String> events) {
        Api.as(admin).contentType("application/cloudevents-batch+json").body("[" + String.join(",", events) + "]")
                .post("/api/v1/events").then().statusCode(202);
    }

    private static String sent(String lead, String email, String at, String subject, String body) {
        return """
                {"specversion":"1.0","id":"%s","source":"closer/test","type":"closer.email.sent","subject":"%s",
                 "time":"%s","datacontenttype":"application/json",
                 "data":{"id":"%s","leadId":"%s","subject":"%s","body":"%s","sentAt":"%s","sequenceStep":1,
                         "attributes":{"recipient_timezone":"Europe/Berlin"}}}"""
                .formatted(unique("evt"), lead, at, email, lead, subject, body, at);
    }

    private static String reply(List<String> events, String lead, String email, String at, String body) {
        String id = unique("reply");
        events.add("""
                {"specversion":"1.0","id":"%s","source":"closer/test","type":"closer.email.replied","subject":"%s",
                 "time":"%s","datacontenttype":"application/json",
                 "data":{"id":"%s","leadId":"%s","emailId":"%s","body":%s,"receivedAt":"%s"}}"""
                .formatted(unique("evt"), lead, at, id, lead, email, quote(body), at));
        return id;
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
