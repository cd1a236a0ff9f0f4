package dev.closer.app.lead;

import static dev.closer.app.support.Api.leadEvent;
import static dev.closer.app.support.Api.unique;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.equalTo;

import dev.closer.app.auth.ApiKeyService;
import dev.closer.app.support.Api;
import dev.closer.app.support.Teams;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A rep sees their own leads, a manager their team's, an admin all. */
@QuarkusTest
class LeadVisibilityIT {

    @Inject
    ApiKeyService keys;
    @Inject
    LeadRepository leads;

    private Teams t;

    @BeforeEach
    void world() {
        t = Teams.create(keys);
        String body = "[" + leadEvent(unique("evt"), t.eastLead(), "2026-03-01T10:00:00Z",
                "\"ownerId\":\"" + t.repEast().userId() + "\"") + "," + leadEvent(unique("evt"), t.westLead(),
                "2026-03-01T10:00:00Z", "\"ownerId\":\"" + t.repWest().userId() + "\"") + "]";
        Api.as(t.admin()).contentType("application/cloudevents-batch+json").body(body).post("/api/v1/events")
                .then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> leads.count("id in ?1", java.util.List.of(t.eastLead(), t.westLead()))) == 2);
    }

    @Test
    void shouldLetARepOpenTheirOwnLeadButNotAnotherRepsLead() {
        Api.as(t.repEast().key()).get("/api/v1/leads/" + t.eastLead()).then().statusCode(200);
        Api.as(t.repEast().key()).get("/api/v1/leads/" + t.westLead()).then().statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("may not read it"));
        Api.as(t.repEast().key()).get("/api/v1/leads/" + t.westLead() + "/scores").then().statusCode(403);
        Api.as(t.repEast().key()).get("/api/v1/leads?limit=500").then().statusCode(200)
                .body("items.ownerId", everyItem(equalTo(t.repEast().userId())));
    }

    @Test
    void shouldLetAManagerOpenTheTeamsLeadsOnly() {
        Api.as(t.managerEast().key()).get("/api/v1/leads/" + t.eastLead()).then().statusCode(200);
        Api.as(t.managerEast().key()).get("/api/v1/leads/" + t.westLead()).then().statusCode(403);
    }

    @Test
    void shouldLetAnAdminOpenEveryLead() {
        Api.as(t.admin()).get("/api/v1/leads/" + t.eastLead()).then().statusCode(200);
        Api.as(t.admin()).get("/api/v1/leads/" + t.westLead()).then().statusCode(200)
                .body("ownerId", equalTo(t.repWest().userId()));
    }
}
