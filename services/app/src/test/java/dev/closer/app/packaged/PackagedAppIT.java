package dev.closer.app.packaged;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged app, as {@code deploy/local/run.sh} and the container start it ({@code quarkus-run.jar}), not the
 * class loading of {@code @QuarkusTest}: a dependency that loads only there once kept every text model out of the
 * packaged app (DJL's tokenizer found no slf4j), so drafts answered 500 while every other test passed. It starts
 * the jar the build made, with the test profile's database and broker, in a failsafe run of its own (services/app's
 * pom: the {@code @QuarkusTest} app of the other ITs has stopped by then, so the port and the database are free).
 */
@QuarkusIntegrationTest
@WithTestResource(PackagedAppIT.AdminKey.class)
class PackagedAppIT {

    static final String KEY = "ck_packaged-app-it-0123456789abcdefghijklmnop";

    /** The launched jar accepts {@link #KEY} as an admin key. */
    public static class AdminKey implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("closer.auth.bootstrap-admin-key", KEY);
        }

        @Override
        public void stop() {
        }
    }

    @Test
    void shouldScoreADraftAndClassifyAReplyWithTheTextModels() {
        given().get("/q/health/ready").then().statusCode(200);
        // The draft goes through the tokenizer, BGE-small and the reply-score head.
        given().header("Authorization", "Bearer " + KEY).contentType("application/json")
                .body(Map.of("subject", "Reporting time", "body", "Hi Dana, would a short call on Tuesday help?"))
                .post("/api/v1/emails/drafts/score").then().statusCode(200)
                .body("pReply", greaterThan(0.0f)).body("pReply", lessThan(1.0f))
                .body("model", equalTo("reply-score/v1"));
        given().header("Authorization", "Bearer " + KEY).contentType("application/json")
                .body(Map.of("body", "Please remove me from your mailing list and stop emailing me. Unsubscribe."))
                .post("/api/v1/replies/classify").then().statusCode(200)
                .body("intent", equalTo("unsubscribe")).body("model", containsString("reply-intent"));
    }
}
