package dev.closer.app.events;

import static dev.closer.app.support.Api.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.closer.app.auth.ApiKeyService;
import dev.closer.app.auth.Roles;
import dev.closer.app.support.Api;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every event type of a sales organisation lands in its table, once, newest state winning. */
@QuarkusTest
class SalesWorldIngestIT {

    @Inject
    ApiKeyService keys;
    @Inject
    EntityManager em;

    private String admin;

    @BeforeEach
    void key() {
        admin = Api.newKey(keys, Roles.ADMIN, null).key();
    }

    private static String event(String id, String type, String subject, String time, String data) {
        return """
                {"specversion":"1.0","id":"%s","source":"closer/test","type":"%s","subject":"%s","time":"%s",
                 "data":%s}""".formatted(id, type, subject, time, data);
    }

    private void post(String... events) {
        Api.as(admin).contentType("application/cloudevents-batch+json").body("[" + String.join(",", events) + "]")
                .post("/api/v1/events").then().statusCode(202);
    }

    private List<?> rows(String sql, Object... params) {
        return QuarkusTransaction.requiringNew().call(() -> {
            var q = em.createNativeQuery(sql);
            for (int i = 0; i < params.length; i++) {
                q.setParameter(i + 1, params[i]);
            }
            return q.getResultList();
        });
    }

    private long count(String sql, Object... params) {
        return ((Number) rows(sql, params).get(0)).longValue();
    }

    @Test
    void shouldRecordEveryStageADealMovesThroughAndKeepTheNewest() {
        String deal = unique("deal");
        String data = "{\"id\":\"%s\",\"name\":\"Acme renewal\",\"amount\":12000,\"currency\":\"EUR\",\"stage\":\"%s\"}";
        post(event(unique("e"), "closer.deal.upserted", deal, "2026-02-01T10:00:00Z", data.formatted(deal, "prospecting")),
                event(unique("e"), "closer.deal.upserted", deal, "2026-02-02T10:00:00Z", data.formatted(deal, "discovery")),
                event(unique("e"), "closer.deal.upserted", deal, "2026-02-04T10:00:00Z", data.formatted(deal, "closed_won")),
                // late: older than the state already applied, so it changes nothing
                event(unique("e"), "closer.deal.upserted", deal, "2026-02-03T10:00:00Z", data.formatted(deal, "demo")));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from deals where id = ?1", deal) == 1);
        post(event(unique("e"), "closer.deal.upserted", deal, "2026-01-01T10:00:00Z", data.formatted(deal, "demo")));
        String marker = unique("deal");
        post(event(unique("e"), "closer.deal.upserted", marker, "2026-01-01T10:00:00Z", data.formatted(marker, "demo")));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from deals where id = ?1", marker) == 1);

        assertEquals("closed_won", rows("select stage from deals where id = ?1", deal).get(0));
        List<?> stages = rows("select coalesce(from_stage, '-') || '>' || to_stage from deal_stages "
                + "where deal_id = ?1 order by changed_at", deal);
        assertEquals(List.of("-" + ">prospecting", "prospecting>discovery", "discovery>closed_won"), stages);
    }

    @Test
    void shouldStoreUsersEmailsRepliesAndCalls() {
        String user = unique("rep");
        String lead = unique("lead");
        String email = unique("email");
        String call = unique("call");
        post(event(unique("e"), "closer.user.upserted", user, "2026-02-01T09:00:00Z",
                        "{\"id\":\"%s\",\"displayName\":\"Rita Rep\",\"role\":\"rep\",\"team\":\"emea\"}".formatted(user)),
                event(unique("e"), "closer.email.sent", lead, "2026-02-01T10:00:00Z", """
                        {"id":"%s","leadId":"%s","subject":"Quick question","body":"Hi Ada, ...?",
                         "sentAt":"2026-02-01T10:00:00Z","sequenceId":"seq-1","sequenceStep":2,"variant":"B"}"""
                        .formatted(email, lead)),
                event(unique("e"), "closer.email.replied", lead, "2026-02-02T10:00:00Z", """
                        {"id":"%s","leadId":"%s","emailId":"%s","body":"Sounds good, let's talk.",
                         "receivedAt":"2026-02-02T10:00:00Z","attributes":{"synthetic_intent":"interested"}}"""
                        .formatted(unique("reply"), lead, email)),
                event(unique("e"), "closer.call.transcribed", lead, "2026-02-03T10:30:00Z", """
                        {"id":"%s","leadId":"%s","startedAt":"2026-02-03T10:00:00Z","utterances":[
                          {"speaker":"rita","role":"rep","startMs":0,"endMs":4000,"text":"How do you handle it today?"},
                          {"speaker":"ada","role":"prospect","startMs":3800,"endMs":61000,"text":"Mostly by hand."}]}"""
                        .formatted(call, lead)));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from calls where id = ?1", call) == 1);
        assertEquals("emea", rows("select team from users where id = ?1", user).get(0));
        assertEquals(1L, count("select count(*) from emails where id = ?1 and sequence_step = 2 and variant = 'B'", email));
        assertEquals(1L, count("select count(*) from email_replies where email_id = ?1", email));
        assertEquals(61000L, count("select duration_ms from calls where id = ?1", call));
        assertEquals(2L, count("select jsonb_array_length(utterances) from calls where id = ?1", call));
    }

    @Test
    void shouldScoreOnlyTheNewestOfTwoUpsertsOfALeadInOneBatch() {
        String lead = unique("lead");
        String data = "{\"id\":\"%s\",\"title\":\"%s\",\"websiteVisits\":%d}";
        post(event(unique("e"), "closer.lead.upserted", lead, "2026-02-02T10:00:00Z", data.formatted(lead, "VP Sales", 9)),
                event(unique("e"), "closer.lead.upserted", lead, "2026-02-01T10:00:00Z", data.formatted(lead, "Intern", 1)));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from leads where id = ?1", lead) == 1);
        assertEquals("VP Sales", rows("select title from leads where id = ?1", lead).get(0));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from lead_scores where lead_id = ?1", lead) == 1);
    }

    @Test
    void shouldDateAStatusFromTheUpsertThatChangedItEvenWhenLaterUpsertsShareItsBatch() {
        String lead = unique("lead");
        String data = "{\"id\":\"%s\",\"status\":\"%s\",\"title\":\"%s\"}";
        post(event(unique("e"), "closer.lead.upserted", lead, "2026-02-01T10:00:00Z", data.formatted(lead, "open", "a")));
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from leads where id = ?1", lead) == 1);
        // The decision and an update right after it arrive in one batch: the decision's time is the change.
        post(event(unique("e"), "closer.lead.upserted", lead, "2026-02-05T12:00:00Z", data.formatted(lead, "converted", "b")),
                event(unique("e"), "closer.lead.upserted", lead, "2026-02-05T15:00:00Z", data.formatted(lead, "converted", "c")));
        await().atMost(Duration.ofSeconds(30)).until(() -> count(
                "select count(*) from leads where id = ?1 and title = 'c'", lead) == 1);
        assertEquals(1L, count("select count(*) from leads where id = ?1 and status_changed_at = cast(?2 as timestamptz)",
                lead, "2026-02-05T12:00:00Z"));
        // Reopened and decided again within one batch: the stored status is the same, the change is still dated.
        post(event(unique("e"), "closer.lead.upserted", lead, "2026-03-01T09:00:00Z", data.formatted(lead, "open", "d")),
                event(unique("e"), "closer.lead.upserted", lead, "2026-03-02T09:00:00Z", data.formatted(lead, "converted", "e")));
        await().atMost(Duration.ofSeconds(30)).until(() -> count(
                "select count(*) from leads where id = ?1 and title = 'e'", lead) == 1);
        assertEquals(1L, count("select count(*) from leads where id = ?1 and status_changed_at = cast(?2 as timestamptz)",
                lead, "2026-03-02T09:00:00Z"));
    }
}
