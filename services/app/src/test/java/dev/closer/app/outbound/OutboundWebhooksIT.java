package dev.closer.app.outbound;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.closer.app.auth.ApiKeyService;
import dev.closer.app.auth.Roles;
import dev.closer.app.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Webhooks out, end to end: a lead's score is written, published to the scores topic, fanned out to a subscription
 * and POSTed to a real local HTTP server that fails twice before it answers 200; the signature is checked with
 * openssl; a receiver that stays down makes the delivery dead, and an admin's replay delivers it.
 */
@QuarkusTest
class OutboundWebhooksIT {

    @Inject
    ApiKeyService keys;

    private HttpServer server;
    private String admin;
    private final Map<String, Integer> calls = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicBoolean down = new AtomicBoolean(true);
    private final List<Long> subscriptions = new CopyOnWriteArrayList<>();

    private record Received(String path, String leadId, String signature, String event, byte[] body) {
    }

    @BeforeEach
    void start() throws Exception {
        admin = Api.newKey(keys, Roles.ADMIN, null).key();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String leadId = JsonPath.from(new String(body, StandardCharsets.UTF_8)).getString("data.leadId");
            String path = exchange.getRequestURI().getPath();
            int n = calls.merge(path + " " + leadId, 1, Integer::sum);
            received.add(new Received(path, leadId, exchange.getRequestHeaders().getFirst("X-Closer-Signature"),
                    exchange.getRequestHeaders().getFirst("X-Closer-Event"), body));
            int status = switch (path) {
                case "/flaky" -> n <= 2 ? 500 : 200;
                case "/down" -> down.get() ? 503 : 204;
                default -> 404;
            };
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        // later tests score many leads: stop queueing deliveries to a server that is gone
        subscriptions.forEach(id -> Api.as(admin).delete("/api/v1/outbound/subscriptions/" + id).then()
                .statusCode(204));
        server.stop(0);
    }

    private String subscribe(String path) {
        String secret = "whsec_outbound_test_" + path.substring(1) + "_0123456789";
        long id = Api.as(admin).contentType("application/json").body("""
                {"url":"http://127.0.0.1:%d%s","secret":"%s","events":["lead.score.changed"],"minPoints":1}"""
                .formatted(server.getAddress().getPort(), path, secret))
                .post("/api/v1/outbound/subscriptions").then().statusCode(201)
                .body("events", equalTo(List.of("lead.score.changed"))).extract().jsonPath().getLong("id");
        subscriptions.add(id);
        return secret;
    }

    private String scoreALead() {
        String lead = Api.unique("out-lead");
        Api.as(admin).contentType("application/cloudevents+json").body(Api.leadEvent(Api.unique("out-evt"), lead,
                Instant.now().toString(), "\"websiteVisits\":4,\"occupation\":\"Working Professional\""))
                .post("/api/v1/events").then().statusCode(202);
        return lead;
    }

    private static String openssl(String secret, String t, byte[] body) throws Exception {
        Path file = Files.createTempFile("signed", ".bin");
        try {
            Files.write(file, (t + ".").getBytes(StandardCharsets.US_ASCII));
            Files.write(file, body, java.nio.file.StandardOpenOption.APPEND);
            Process p = new ProcessBuilder("openssl", "dgst", "-sha256", "-hmac", secret, "-hex", file.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertEquals(0, p.waitFor(), out);
            return out.substring(out.lastIndexOf(' ') + 1);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** This test's delivery of the lead's score in {@code status}, with its log; null when there is none yet. */
    private JsonPath deliveryOf(String lead, String status) {
        List<Map<String, Object>> all = Api.as(admin).queryParam("status", status)
                .get("/api/v1/outbound/deliveries").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.payload.data.leadId == '" + lead + "' }");
        return all.stream().filter(d -> subscriptions.contains(((Number) d.get("subscriptionId")).longValue()))
                .findFirst().map(d -> Api.as(admin).get("/api/v1/outbound/deliveries/" + d.get("id")).then()
                        .statusCode(200).extract().jsonPath()).orElse(null);
    }

    @Test
    void aReceiverThatFailsTwiceGetsTheSignedScoreOnTheThirdAttempt() throws Exception {
        String secret = subscribe("/flaky");
        String lead = scoreALead();
        await().atMost(Duration.ofSeconds(45)).until(() -> calls.getOrDefault("/flaky " + lead, 0) >= 3);
        Thread.sleep(1500); // no fourth attempt after the 200
        assertEquals(3, calls.get("/flaky " + lead));
        List<Received> mine = received.stream().filter(r -> lead.equals(r.leadId())).toList();
        assertTrue(mine.stream().allMatch(r -> "lead.score.changed".equals(r.event())));
        for (Received r : mine) {
            String[] parts = r.signature().split(",");
            String t = parts[0].substring(2);
            assertEquals(openssl(secret, t, r.body()), parts[1].substring(3), "HMAC-SHA256 of t.body, by openssl");
        }
        JsonPath body = JsonPath.from(new String(mine.get(2).body(), StandardCharsets.UTF_8));
        assertEquals("closer.lead.score.changed", body.getString("type"));
        assertTrue(body.getInt("data.score") >= 1 && body.getInt("data.score") <= 99);

        JsonPath delivery = deliveryOf(lead, "delivered");
        assertEquals(3, delivery.getInt("attempts"));
        assertEquals(List.of(500, 500, 200), delivery.getList("log.statusCode"));
    }

    @Test
    void aReceiverThatStaysDownMakesTheDeliveryDeadUntilAnAdminReplaysIt() {
        subscribe("/down");
        String lead = scoreALead();
        await().atMost(Duration.ofSeconds(45)).until(() -> {
            JsonPath d = deliveryOf(lead, "dead");
            return d != null && d.getInt("attempts") == 3;
        });
        JsonPath dead = deliveryOf(lead, "dead");
        assertEquals(List.of(503, 503, 503), dead.getList("log.statusCode"));
        long id = dead.getLong("id");
        Api.as(admin).post("/api/v1/outbound/deliveries/" + id + "/replay").then().statusCode(202)
                .body("status", equalTo("pending"));
        Api.as(admin).post("/api/v1/outbound/deliveries/" + id + "/replay").then().statusCode(409);
        down.set(false);
        await().atMost(Duration.ofSeconds(20)).until(() -> "delivered".equals(Api.as(admin)
                .get("/api/v1/outbound/deliveries/" + id).then().extract().jsonPath().getString("status")));
    }

    @Test
    void subscriptionsAreForAdminsAndCheckWhatTheyAreGiven() {
        String rep = Api.newKey(keys, Roles.REP, null).key();
        Api.as(rep).get("/api/v1/outbound/subscriptions").then().statusCode(403);
        Api.as(admin).contentType("application/json").body("{\"url\":\"ftp://x\",\"events\":[\"lead.score.changed\"]}")
                .post("/api/v1/outbound/subscriptions").then().statusCode(400).contentType("application/problem+json");
        Api.as(admin).contentType("application/json").body("{\"url\":\"https://x.example\",\"events\":[\"nope\"]}")
                .post("/api/v1/outbound/subscriptions").then().statusCode(400);
        String created = Api.as(admin).contentType("application/json")
                .body("{\"url\":\"https://x.example/hook\",\"events\":[\"lead.grade.changed\"]}")
                .post("/api/v1/outbound/subscriptions").then().statusCode(201).extract().jsonPath().getString("secret");
        assertTrue(created.startsWith("whsec_"), "a secret is generated and shown once");
        subscriptions.add(Api.as(admin).get("/api/v1/outbound/subscriptions").then().extract().jsonPath()
                .getLong("find { it.url == 'https://x.example/hook' }.id"));
    }
}
