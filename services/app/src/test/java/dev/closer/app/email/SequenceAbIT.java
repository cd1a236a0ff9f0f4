package dev.closer.app.email;

import static dev.closer.app.support.Api.unique;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import dev.closer.app.auth.ApiKeyService;
import dev.closer.app.support.Api;
import dev.closer.app.support.Db;
import dev.closer.app.support.Teams;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.JsonConfig;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sequence A/B analytics end to end: emails and replies go in as CloudEvents through Kafka, the stored counts are
 * refreshed, and the API's rates, tests and verdicts are the ones computed independently (AbTestTest has the SciPy
 * values for 30/400 against 50/410).
 */
@QuarkusTest
class SequenceAbIT {

    @Inject
    ApiKeyService keys;
    @Inject
    EntityManager em;

    @Test
    void variantsAreComparedWithIntervalsTestsAndSendsStillNeeded() {
        Teams t = Teams.create(keys);
        String sequence = unique("seq");
        String lead = t.eastLead();
        List<String> events = new ArrayList<>();
        events.add(Api.leadEvent(unique("evt"), lead, "2026-03-01T09:00:00Z",
                "\"email\":\"ada@example.com\",\"ownerId\":\"" + t.repEast().userId() + "\""));
        // Step 1: A 400 sends, 30 replied + 1 out-of-office; B 410 sends, 50 replied (20 interested).
        // Step 2: A 10 sends, B 12: too few to compare.
        List<String> outOfOffice = new ArrayList<>();
        List<String> interested = new ArrayList<>();
        addStep(events, sequence, lead, 1, "A", 400, 31, outOfOffice, 1, null, 0);
        addStep(events, sequence, lead, 1, "B", 410, 50, null, 0, interested, 20);
        addStep(events, sequence, lead, 2, "A", 10, 1, null, 0, null, 0);
        addStep(events, sequence, lead, 2, "B", 12, 2, null, 0, null, 0);
        for (int from = 0; from < events.size(); from += 1000) {
            Api.as(t.admin()).contentType("application/cloudevents-batch+json")
                    .body("[" + String.join(",", events.subList(from, Math.min(events.size(), from + 1000))) + "]")
                    .post("/api/v1/events").then().statusCode(202);
        }
        awaitStored(sequence, 832, 84);
        // What the reply-intent classifier would have stored for these replies.
        classify(outOfOffice, lead, "out_of_office");
        classify(interested, lead, "interested");

        Api.as(t.repEast().key()).post("/api/v1/sequences/refresh").then().statusCode(403);
        Api.as(t.admin()).post("/api/v1/sequences/refresh").then().statusCode(200);

        String step1 = "steps.find { it.step == 1 }.";
        String reply = step1 + "comparisons.find { it.metric == 'REPLY' }.";
        String positive = step1 + "comparisons.find { it.metric == 'POSITIVE' }.";
        read(t.repEast().key()).get("/api/v1/sequences/" + sequence).then().statusCode(200)
                .body("confidence", equalTo(0.95))
                .body(step1 + "variants.find { it.variant == 'A' }.sent", equalTo(400))
                .body(step1 + "variants.find { it.variant == 'A' }.replyRate.successes", equalTo(30))
                .body(step1 + "variants.find { it.variant == 'A' }.replyRate.low", closeTo(0.053037743, 1e-6))
                .body(step1 + "variants.find { it.variant == 'A' }.replyRate.high", closeTo(0.105047706, 1e-6))
                .body(step1 + "variants.find { it.variant == 'B' }.positiveRate.successes", equalTo(20))
                .body(reply + "control", equalTo("A"))
                .body(reply + "pValue", closeTo(0.025138882, 1e-6))
                .body(reply + "probabilityToBeat", closeTo(0.987274919, 1e-5))
                .body(reply + "difference", closeTo(100 * (50 / 410.0 - 30 / 400.0), 1e-6))
                .body(reply + "verdict", equalTo("WINNER"))
                .body(reply + "winner", equalTo("B"))
                .body(reply + "message", startsWith("B beats A on reply rate by 4.7 points"))
                .body(positive + "verdict", equalTo("WINNER"))
                .body("steps.find { it.step == 2 }.comparisons[0].verdict", equalTo("INSUFFICIENT_DATA"));

        Api.as(t.managerEast().key()).get("/api/v1/sequences").then().statusCode(200)
                .body("find { it.id == '" + sequence + "' }.sent", equalTo(832))
                .body("find { it.id == '" + sequence + "' }.steps", equalTo(2))
                .body("find { it.id == '" + sequence + "' }.winners", equalTo(2))
                .body("id", hasItem(sequence));
        Api.as(t.admin()).get("/api/v1/sequences/" + unique("nope")).then().statusCode(404)
                .body("detail", startsWith("No sends of a sequence"));
    }

    @Test
    void aDifferenceTooSmallToCallSaysHowManyMoreSendsItNeeds() {
        Teams t = Teams.create(keys);
        String sequence = unique("seq");
        List<String> events = new ArrayList<>();
        events.add(Api.leadEvent(unique("evt"), t.westLead(), "2026-03-01T09:00:00Z", "\"email\":\"bo@example.com\""));
        addStep(events, sequence, t.westLead(), 1, "A", 100, 8, null, 0, null, 0);
        addStep(events, sequence, t.westLead(), 1, "B", 100, 11, null, 0, null, 0);
        Api.as(t.admin()).contentType("application/cloudevents-batch+json").body("[" + String.join(",", events) + "]")
                .post("/api/v1/events").then().statusCode(202);
        awaitStored(sequence, 200, 19);
        Api.as(t.admin()).post("/api/v1/sequences/refresh").then().statusCode(200);
        // n = (1.96·√(2·0.095·0.905) + 0.8416·√(0.08·0.92 + 0.11·0.89))² / 0.03² = 1,498.4 → 1,499 (Fleiss), minus the 100 sent.
        read(t.admin()).get("/api/v1/sequences/" + sequence).then().statusCode(200)
                .body("steps[0].comparisons.find { it.metric == 'REPLY' }.verdict", equalTo("NO_DIFFERENCE_YET"))
                .body("steps[0].comparisons.find { it.metric == 'REPLY' }.sendsPerVariant", equalTo(1499.0))
                .body("steps[0].comparisons.find { it.metric == 'REPLY' }.moreSendsPerVariant", equalTo(1399))
                .body("steps[0].comparisons.find { it.metric == 'POSITIVE' }.moreSendsPerVariant", equalTo(null));
    }

    /**
     * Waits until every send and every reply of the sequence is stored. Both: a step's sends after its last reply
     * arrive after that reply, and a refresh before them would count too few sends.
     */
    private void awaitStored(String sequence, long sends, long replies) {
        await().atMost(Duration.ofSeconds(60)).until(() -> Db.count(em,
                "select count(*) from emails where sequence_id = ?1", sequence) == sends
                && Db.count(em, "select count(*) from email_replies r join emails e on e.id = r.email_id "
                        + "where e.sequence_id = ?1", sequence) == replies);
    }

    /** A request whose JSON decimals are read as doubles, so that closeTo compares them at full precision. */
    private static RequestSpecification read(String key) {
        return Api.as(key).config(RestAssured.config().jsonConfig(
                JsonConfig.jsonConfig().numberReturnType(JsonPathConfig.NumberReturnType.DOUBLE)));
    }

    private static void addStep(List<String> events, String sequence, String lead, int step, String variant,
                                int sent, int replies, List<String> firstReplies, int firstCount,
                                List<String> lastReplies, int lastCount) {
        Instant at = Instant.parse("2026-03-02T09:00:00Z").plusSeconds(step * 86_400L);
        for (int i = 0; i < sent; i++) {
            String email = sequence + "-" + step + variant + "-" + i;
            events.add("""
                    {"specversion":"1.0","id":"%s","source":"closer/test","type":"closer.email.sent","subject":"%s",
                     "time":"%s","datacontenttype":"application/json",
                     "data":{"id":"%s","leadId":"%s","subject":"Quick question","body":"Hi there","sentAt":"%s",
                             "sequenceId":"%s","sequenceStep":%d,"variant":"%s",
                             "attributes":{"sequence_name":"Test sequence"}}}"""
                    .formatted(unique("evt"), lead, at, email, lead, at, sequence, step, variant));
            if (i < replies) {
                String reply = email + "-reply";
                events.add("""
                        {"specversion":"1.0","id":"%s","source":"closer/test","type":"closer.email.replied",
                         "subject":"%s","time":"%s","datacontenttype":"application/json",
                         "data":{"id":"%s","leadId":"%s","emailId":"%s","body":"Sounds good","receivedAt":"%s"}}"""
                        .formatted(unique("evt"), lead, at.plusSeconds(3600), reply, lead, email,
                                at.plusSeconds(3600)));
                if (firstReplies != null && i < firstCount) {
                    firstReplies.add(reply);
                }
                if (lastReplies != null && i >= replies - lastCount) {
                    lastReplies.add(reply);
                }
            }
        }
    }

    private void classify(List<String> replies, String lead, String intent) {
        QuarkusTransaction.requiringNew().run(() -> {
            for (String reply : replies) {
                em.createNativeQuery("""
                        insert into reply_intents (reply_id, lead_id, intent, confidence, probabilities, new_text, model)
                        values (?1, ?2, ?3, 0.9, '{}'::jsonb, 'text', 'test')""")
                        .setParameter(1, reply).setParameter(2, lead).setParameter(3, intent).executeUpdate();
            }
        });
    }
}
