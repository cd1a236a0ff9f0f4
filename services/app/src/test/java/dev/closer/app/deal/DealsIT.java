package dev.closer.app.deal;

import static dev.closer.app.support.Api.unique;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import dev.closer.app.auth.ApiKeyService;
import dev.closer.app.support.Api;
import dev.closer.app.support.Db;
import dev.closer.app.support.Teams;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * GET /api/v1/deals?status=open: open deals only (closed ones left out), each rep their own (a manager their team's),
 * with the days in the current stage and the latest analysed call's win odds and warnings.
 */
@QuarkusTest
class DealsIT {

    @Inject
    ApiKeyService keys;
    @Inject
    EntityManager em;

    @Test
    void openDealsWithTheirLatestCallsWinOddsAndWarnings() {
        Teams t = Teams.create(keys);
        String east = t.repEast().userId();
        String open = unique("deal");
        String won = unique("deal");
        String quiet = unique("deal");
        String westDeal = unique("deal");
        Api.as(t.admin()).contentType("application/cloudevents-batch+json").body("[" + String.join(",", List.of(
                deal(open, "Lumora rollout", t.eastLead(), "proposal", 50_000, east),
                deal(won, "Won already", t.eastLead(), "closed_won", 90_000, east),
                deal(quiet, "No calls yet", t.eastLead(), "demo", 10_000, east),
                deal(westDeal, "West deal", t.westLead(), "discovery", 20_000, t.repWest().userId()))) + "]")
                .post("/api/v1/events").then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> Db.count(em,
                "select count(*) from deals where id in (?1, ?2, ?3, ?4)", open, won, quiet, westDeal) == 4);

        // Two analysed calls on the open deal: the later one's odds and warnings are the deal's.
        call(unique("call"), t.eastLead(), open, "2026-03-03T10:00:00Z", 0.31, "[]");
        call(unique("call"), t.eastLead(), open, "2026-03-05T10:00:00Z", 0.62,
                "[{\"code\":\"pricing_not_discussed\",\"message\":\"No pricing talk\",\"evidence\":{\"calls\":2}}]");

        Api.as(t.repEast().key()).get("/api/v1/deals?status=open").then().statusCode(200)
                .body("id", hasItem(open)).body("id", hasItem(quiet)).body("id", not(hasItem(won)))
                .body("id", not(hasItem(westDeal)))
                .body("find { it.id == '%s' }.calls".formatted(open), equalTo(2))
                .body("find { it.id == '%s' }.winProbability".formatted(open), equalTo(0.62f))
                .body("find { it.id == '%s' }.warnings[0].code".formatted(open), equalTo("pricing_not_discussed"))
                .body("find { it.id == '%s' }.stage".formatted(open), equalTo("proposal"))
                .body("find { it.id == '%s' }.amount".formatted(open), equalTo(50_000f))
                .body("find { it.id == '%s' }.daysInStage".formatted(open), org.hamcrest.Matchers.greaterThan(0))
                .body("find { it.id == '%s' }.winProbability".formatted(quiet), equalTo(null))
                .body("find { it.id == '%s' }.warnings.size()".formatted(quiet), equalTo(0));
        Api.as(t.managerEast().key()).get("/api/v1/deals").then().statusCode(200)
                .body("id", hasItem(open)).body("id", not(hasItem(westDeal)));
        Api.as(t.repWest().key()).get("/api/v1/deals").then().statusCode(200)
                .body("id", hasItem(westDeal)).body("id", not(hasItem(open)));
        Api.as(t.admin()).get("/api/v1/deals").then().statusCode(200)
                .body("id", hasItem(open)).body("id", hasItem(westDeal));
        Api.as(t.admin()).get("/api/v1/deals?status=won").then().statusCode(400);
        Api.as(t.admin()).get("/api/v1/deals?limit=0").then().statusCode(400);
    }

    private static String deal(String id, String name, String lead, String stage, double amount, String owner) {
        return """
                {"specversion":"1.0","id":"%s","source":"closer/test","type":"closer.deal.upserted","subject":"%s",
                 "time":"2026-03-02T09:00:00Z","datacontenttype":"application/json",
                 "data":{"id":"%s","name":"%s","leadId":"%s","stage":"%s","amount":%s,"ownerId":"%s"}}"""
                .formatted(unique("evt"), id, id, name, lead, stage, amount, owner);
    }

    private void call(String id, String lead, String deal, String startedAt, double win, String warnings) {
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("""
                    insert into calls (id, lead_id, deal_id, started_at, duration_ms, utterances, event_id, analysed_at)
                    values (?1, ?2, ?3, cast(?4 as timestamptz), 60000, '[]'::jsonb, ?5, now())""")
                    .setParameter(1, id).setParameter(2, lead).setParameter(3, deal).setParameter(4, startedAt)
                    .setParameter(5, unique("evt")).executeUpdate();
            em.createNativeQuery("""
                    insert into call_analyses (call_id, lead_id, deal_id, metrics, participants, tone, win_probability,
                                               warnings, models, duration_ms)
                    values (?1, ?2, ?3, '{}'::jsonb, '[]'::jsonb, '{}'::jsonb, ?4, cast(?5 as jsonb), 'test', 60000)""")
                    .setParameter(1, id).setParameter(2, lead).setParameter(3, deal).setParameter(4, win)
                    .setParameter(5, warnings).executeUpdate();
        });
    }
}
