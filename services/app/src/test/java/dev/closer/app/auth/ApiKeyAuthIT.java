package dev.closer.app.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.closer.app.support.Api;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** Every /api endpoint needs a key with the right role; health, metrics and OpenAPI do not. */
@QuarkusTest
class ApiKeyAuthIT {

    @Inject
    ApiKeyService keys;
    @Inject
    ApiKeyRepository apiKeys;

    @Test
    void shouldAnswer401WithAProblemWhenNoKeyIsSent() {
        given().get("/api/v1/leads/anything")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", equalTo(401))
                .body("detail", containsString("Authorization: Bearer"));
    }

    @Test
    void shouldAnswer401ForAnUnknownKey() {
        Api.as("ck_not-a-real-key").get("/api/v1/models")
                .then().statusCode(401).body("detail", equalTo("The API key is unknown or revoked."));
    }

    @Test
    void shouldAnswer403WhenARepCallsAnAdminEndpoint() {
        String rep = Api.newKey(keys, Roles.REP, "east").key();
        Api.as(rep).contentType(ContentType.JSON).body("{\"userId\":\"x\",\"role\":\"rep\"}")
                .post("/api/v1/api-keys")
                .then().statusCode(403).contentType("application/problem+json").body("status", equalTo(403));
        Api.as(rep).get("/api/v1/api-keys").then().statusCode(403);
    }

    @Test
    void shouldLetAnAdminCreateAKeyThatWorksUntilRevoked() {
        String admin = Api.newKey(keys, Roles.ADMIN, null).key();
        var created = Api.as(admin).contentType(ContentType.JSON)
                .body("{\"userId\":\"" + Api.unique("rep") + "\",\"role\":\"rep\",\"team\":\"west\"}")
                .post("/api/v1/api-keys")
                .then().statusCode(201).body("key", startsWith("ck_")).body("role", equalTo("rep"))
                .extract().jsonPath();
        String key = created.getString("key");
        Api.as(key).get("/api/v1/me").then().statusCode(200).body("role", equalTo("rep")).body("team", equalTo("west"));
        Api.as(admin).delete("/api/v1/api-keys/" + created.getLong("id")).then().statusCode(204);
        Api.as(key).get("/api/v1/me").then().statusCode(401);
    }

    @Test
    void shouldExplainAnInvalidKeyRequest() {
        String admin = Api.newKey(keys, Roles.ADMIN, null).key();
        Api.as(admin).contentType(ContentType.JSON).body("{\"userId\":\"x\",\"role\":\"boss\"}")
                .post("/api/v1/api-keys")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("role: must be admin, manager or rep"));
    }

    @Test
    void shouldServeHealthMetricsAndOpenApiWithoutAKey() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200).body(containsString("closer_consumer_records"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/events"))
                .body(containsString("X-API-Key"));
    }

    @Test
    void shouldNeverStoreTheKeyItself() {
        var created = Api.newKey(keys, Roles.REP, null);
        ApiKey stored = QuarkusTransaction.requiringNew().call(() -> apiKeys.findById(created.id()));
        assertEquals(64, stored.keyHash.length());
        assertEquals(ApiKeyService.hash(created.key()), stored.keyHash);
        assertFalse(stored.keyHash.contains(created.key().substring(3, 20)));
    }
}
