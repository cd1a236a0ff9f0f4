package dev.closer.app.lead;

import static dev.closer.app.support.Api.leadEvent;
import static dev.closer.app.support.Api.unique;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.equalTo;

import dev.closer.app.auth.ApiKeyService;
import dev.closer.app.auth.Roles;
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

    private ApiKeyService.CreatedKey repEast;
    private ApiKeyService.CreatedKey repWest;
    private ApiKeyService.CreatedKey managerEast;
    private String admin;
    private String eastLead;
    private String westLead;

    @BeforeEach
    void world() {
        Teams t = Teams.create(keys);
        repEast = t.repEast();
        repWest = t.repWest();
        managerEast = t.managerEast();
        admin = t.admin();
        eastLead = t.eastLead();
        westLead = t.westLead();
        String body = "[" + leadEvent(unique("evt"), eastLead, "2026-03-01T10:00:00Z",
                "\"ownerId\":\"" + repEast.userId() + "\"") + "," + leadEvent(unique("evt"), westLead,
                "2026-03-01T10:00:00Z", "\"ownerId\":\"" + repWest.userId() + "\"") + "]";
        Api.as(admin).contentType("application/cloudevents-batch+json").body(body).post("/api/v1/events")
                .then().statusCode(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> QuarkusTransaction.requiringNew()
                .call(() -> leads.count("id in ?1", java.util.List.of(eastLead, westLead))) == 2);
    }

    @Test
    void shouldLetARepOpenTheirOwnLeadButNotAnotherRepsLead() {
        Api.as(repEast.key()).get("/api/v1/leads/" + eastLead).then().statusCode(200);
        Api.as(repEast.key()).get("/api/v1/leads/" + westLead).then().statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("may not read it"));
        Api.as(repEast.key()).get("/api/v1/leads/" + westLead + "/scores").then().statusCode(403);
        Api.as(repEast.key()).get("/api/v1/leads?limit=500").then().statusCode(200)
                .body("items.ownerId", everyItem(equalTo(repEast.userId())));
    }

    @Test
    void shouldLetAManagerOpenTheTeamsLeadsOnly() {
        Api.as(managerEast.key()).get("/api/v1/leads/" + eastLead).then().statusCode(200);
        Api.as(managerEast.key()).get("/api/v1/leads/" + westLead).then().statusCode(403);
    }

    @Test
    void shouldLetAnAdminOpenEveryLead() {
        Api.as(admin).get("/api/v1/leads/" + eastLead).then().statusCode(200);
        Api.as(admin).get("/api/v1/leads/" + westLead).then().statusCode(200)
                .body("ownerId", equalTo(repWest.userId()));
    }
}
