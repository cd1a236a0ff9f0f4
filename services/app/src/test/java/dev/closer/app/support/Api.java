package dev.closer.app.support;

import static io.restassured.RestAssured.given;

import dev.closer.app.auth.ApiKeyService;
import io.restassured.specification.RequestSpecification;
import java.util.UUID;

/** Test helpers for calling the API as a given role. */
public final class Api {

    private Api() {
    }

    public static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key);
    }

    /** A fresh user with a key of the given role. */
    public static ApiKeyService.CreatedKey newKey(ApiKeyService keys, String role, String team) {
        return keys.create(role + "-" + UUID.randomUUID(), null, role, team, "test");
    }

    /** A lead upsert CloudEvent as JSON. */
    public static String leadEvent(String eventId, String leadId, String time, String extraData) {
        return """
                {"specversion":"1.0","id":"%s","source":"closer/test","type":"closer.lead.upserted",
                 "subject":"%s","time":"%s","datacontenttype":"application/json",
                 "data":{"id":"%s"%s}}""".formatted(eventId, leadId, time, leadId,
                extraData == null || extraData.isEmpty() ? "" : "," + extraData);
    }

    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }
}
