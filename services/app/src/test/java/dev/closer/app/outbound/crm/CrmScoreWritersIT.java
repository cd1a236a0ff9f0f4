package dev.closer.app.outbound.crm;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.closer.app.auth.ApiKeyService;
import dev.closer.app.auth.Roles;
import dev.closer.app.support.Api;
import dev.closer.app.support.Db;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URLDecoder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * CRM writers end to end: a lead's score is written, published to the scores topic, fanned out to the writer of the
 * lead's source and sent to a local server that stands in for HubSpot (the contacts API) and for Salesforce (the
 * token endpoint and the sObject API). The server checks every request as the CRM's documentation describes it
 * (method, path, bearer token, content type, JSON body) and answers 400 with the reason when one is wrong; each test
 * ends by asserting it never had to. Scenarios: one PATCH for a HubSpot lead and none for another source's lead; a
 * Salesforce token fetched, then renewed once on a 401; a 5xx retried; a 429's Retry-After waited for, by the
 * writer's other pending deliveries too; a refusal dead at once and replayed; a lead deleted (merged) before its
 * retry is not written; a score superseded by a newer one of the lead is not written.
 */
@QuarkusTest
@TestProfile(CrmScoreWritersIT.WithWriters.class)
class CrmScoreWritersIT {

    private static final String HUBSPOT_TOKEN = "pat-na1-test-0000-hubspot-token";
    private static final String SF_CLIENT_ID = "3MVG9test.client.id";
    private static final String SF_CLIENT_SECRET = "sf secret&=+/ 0123"; // form-encoded by the writer
    private static final Duration WAIT = Duration.ofSeconds(45);

    /**
     * The test's fake CRM listens on a port chosen here, kept in a system property so that the profile (which
     * Quarkus may instantiate in another class loader) and the test agree on it.
     */
    public static class WithWriters implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String base = "http://127.0.0.1:" + port();
            String hubspot = "closer.webhooks.sources.hubspot.writer.";
            String salesforce = "closer.webhooks.sources.salesforce.writer.";
            return Map.of(hubspot + "enabled", "true",
                    hubspot + "access-token", HUBSPOT_TOKEN,
                    hubspot + "base-url", base + "/hubspot",
                    salesforce + "enabled", "true",
                    salesforce + "login-url", base + "/login",
                    salesforce + "client-id", SF_CLIENT_ID,
                    salesforce + "client-secret", SF_CLIENT_SECRET);
        }
    }

    private static synchronized int port() {
        String port = System.getProperty("crm-writers-it.fake-crm-port");
        if (port == null) {
            try (ServerSocket free = new ServerSocket(0)) {
                port = Integer.toString(free.getLocalPort());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            System.setProperty("crm-writers-it.fake-crm-port", port);
        }
        return Integer.parseInt(port);
    }

    /** A request the fake CRM got, and its answer. */
    record Request(String method, String path, String authorization, String contentType, String body, int answer,
                   Instant at) {
    }

    /** An answer to give instead of success. */
    record Reply(int status, String retryAfter) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Request> REQUESTS = new CopyOnWriteArrayList<>();
    private static final List<String> PROBLEMS = new CopyOnWriteArrayList<>();
    /** Answers to give per record id, in order, before answering with success. */
    private static final Map<String, Deque<Reply>> SCRIPT = new ConcurrentHashMap<>();
    private static final AtomicInteger TOKENS = new AtomicInteger();
    /** The one Salesforce token the sObject API takes; null: none (the session ended). */
    private static volatile String validToken;
    /** Run by the fake CRM once, just before it answers a scripted 429 (while the sender waits for that answer). */
    private static volatile Runnable onRateLimit;
    private static HttpServer server;
    private static String base;

    private static final Pattern HUBSPOT_PATH = Pattern.compile("/hubspot/crm/v3/objects/contacts/([0-9]+)");
    private static final Pattern SF_PATH =
            Pattern.compile("/instance/services/data/v60\\.0/sobjects/(Lead|Contact)/([A-Za-z0-9]{15,18})");

    @Inject
    ApiKeyService keys;
    @Inject
    EntityManager em;
    @Inject
    DataSource dataSource;

    private String admin;

    @BeforeAll
    static void startCrm() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port()), 0);
        base = "http://127.0.0.1:" + port();
        server.createContext("/", exchange -> {
            try {
                answer(exchange);
            } catch (RuntimeException | IOException e) {
                PROBLEMS.add("the fake CRM failed: " + e);
                throw e;
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    @AfterAll
    static void stopCrm() {
        server.stop(0);
    }

    private static void answer(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        List<String> wrong = new ArrayList<>();
        int status;
        String response = "";
        Map<String, String> headers = new HashMap<>();
        Matcher hubspot = HUBSPOT_PATH.matcher(path);
        Matcher sobject = SF_PATH.matcher(path);
        if (hubspot.matches()) {
            // developers.hubspot.com: PATCH /crm/v3/objects/contacts/{contactId}, {"properties": {...}}, Bearer
            expect(wrong, "method", "PATCH", method);
            expect(wrong, "Authorization", "Bearer " + HUBSPOT_TOKEN, authorization);
            expect(wrong, "Content-Type", "application/json", contentType);
            JsonNode json = parse(body, wrong);
            if (json != null) {
                expect(wrong, "body fields", Set.of("properties"), names(json));
                JsonNode p = json.path("properties");
                expect(wrong, "properties", Set.of("closer_score", "closer_grade"), names(p));
                if (!p.path("closer_score").isTextual() || !p.path("closer_score").asText().matches("[0-9]{1,2}")) {
                    wrong.add("closer_score is not a score as text: " + p.path("closer_score"));
                }
                if (!p.path("closer_grade").isTextual() || !p.path("closer_grade").asText().matches("[A-D]")) {
                    wrong.add("closer_grade is not a grade: " + p.path("closer_grade"));
                }
            }
            status = 200;
            response = "{\"id\":\"" + hubspot.group(1) + "\",\"properties\":" + (json == null ? "{}"
                    : json.path("properties")) + "}";
            Reply scripted = next(hubspot.group(1));
            if (wrong.isEmpty() && scripted != null) {
                status = scripted.status();
                Runnable hook = onRateLimit;
                if (status == 429 && hook != null) {
                    onRateLimit = null;
                    hook.run();
                }
                response = status == 429 ? "{\"status\":\"error\",\"errorType\":\"RATE_LIMIT\","
                        + "\"policyName\":\"TEN_SECONDLY_ROLLING\"}" : "{\"status\":\"error\"}";
                if (scripted.retryAfter() != null) {
                    headers.put("Retry-After", scripted.retryAfter());
                }
            }
        } else if (path.equals("/login/services/oauth2/token")) {
            // Salesforce's client credentials flow: a form POST, answered with access_token and instance_url
            expect(wrong, "method", "POST", method);
            expect(wrong, "Content-Type", "application/x-www-form-urlencoded", contentType);
            expect(wrong, "Authorization", null, authorization);
            expect(wrong, "form", Map.of("grant_type", "client_credentials", "client_id", SF_CLIENT_ID,
                    "client_secret", SF_CLIENT_SECRET), form(body));
            status = 200;
            validToken = "00Dtest!sf-token-" + TOKENS.incrementAndGet();
            response = JSON.createObjectNode().put("access_token", validToken).put("instance_url", base + "/instance")
                    .put("id", "https://login.salesforce.com/id/00D000000000062/005000000000001")
                    .put("token_type", "Bearer").put("issued_at", Long.toString(System.currentTimeMillis()))
                    .toString();
        } else if (sobject.matches()) {
            // Salesforce's "Update a Record": PATCH .../sobjects/{object}/{id} with the fields, answered 204
            expect(wrong, "method", "PATCH", method);
            expect(wrong, "Content-Type", "application/json", contentType);
            expect(wrong, "object", sobject.group(2).startsWith("003") ? "Contact" : "Lead", sobject.group(1));
            JsonNode json = parse(body, wrong);
            if (json != null) {
                expect(wrong, "fields", Set.of("Closer_Score__c", "Closer_Grade__c"), names(json));
                if (!json.path("Closer_Score__c").isInt()) {
                    wrong.add("Closer_Score__c is not a number: " + json.path("Closer_Score__c"));
                }
                if (!json.path("Closer_Grade__c").asText().matches("[A-D]")) {
                    wrong.add("Closer_Grade__c is not a grade: " + json.path("Closer_Grade__c"));
                }
            }
            if (validToken == null || !("Bearer " + validToken).equals(authorization)) {
                status = 401;
                response = "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]";
            } else {
                status = 204;
            }
        } else {
            wrong.add("no such endpoint");
            status = 404;
        }
        if (!wrong.isEmpty()) {
            PROBLEMS.add(method + " " + path + ": " + wrong);
            status = 400;
            response = String.join("; ", wrong);
        }
        REQUESTS.add(new Request(method, path, authorization, contentType, body, status, Instant.now()));
        headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
        if (status == 204 || bytes.length == 0) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private static Reply next(String id) {
        Deque<Reply> script = SCRIPT.get(id);
        return script == null ? null : script.pollFirst();
    }

    private static void expect(List<String> wrong, String what, Object expected, Object actual) {
        if (expected == null ? actual != null : !expected.equals(actual)) {
            wrong.add(what + ": expected " + expected + ", got " + actual);
        }
    }

    private static JsonNode parse(String body, List<String> wrong) {
        try {
            JsonNode json = JSON.readTree(body);
            if (json != null && json.isObject()) {
                return json;
            }
        } catch (IOException e) {
            // reported below
        }
        wrong.add("body is not a JSON object: " + body);
        return null;
    }

    private static Set<String> names(JsonNode object) {
        Set<String> names = new java.util.HashSet<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    @BeforeEach
    void keyAndWarmUp() {
        admin = Api.newKey(keys, Roles.ADMIN, null).key();
        // The fan-out's consumer group starts at the newest score when it is new: until it has joined, a score
        // can pass unseen. Score HubSpot leads until one is written, once per run.
        if (REQUESTS.stream().noneMatch(r -> r.path().startsWith("/hubspot/"))) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(5)).until(() -> {
                scoreALead("hubspot-" + hubspotId());
                return REQUESTS.stream().anyMatch(r -> r.path().startsWith("/hubspot/"));
            });
        }
    }

    @AfterEach
    void theCrmHadNothingToRefuse() {
        assertEquals(List.of(), PROBLEMS, "requests the fake CRM found wrong");
    }

    private static String hubspotId() {
        return Long.toString(ThreadLocalRandom.current().nextLong(1_000_000_000L, 9_999_999_999L));
    }

    private static String salesforceId(String keyPrefix) {
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder id = new StringBuilder(keyPrefix).append("5g00000");
        while (id.length() < 15) {
            id.append(chars.charAt(ThreadLocalRandom.current().nextInt(chars.length())));
        }
        return id.toString();
    }

    private void scoreALead(String lead) {
        Api.as(admin == null ? Api.newKey(keys, Roles.ADMIN, null).key() : admin)
                .contentType("application/cloudevents+json").body(Api.leadEvent(Api.unique("crm-evt"), lead,
                        Instant.now().toString(), "\"websiteVisits\":4,\"occupation\":\"Working Professional\""))
                .post("/api/v1/events").then().statusCode(202);
    }

    private JsonPath scored(String lead) {
        await().atMost(WAIT).until(() -> Api.as(admin).get("/api/v1/leads/" + lead).then().extract().statusCode()
                == 200 && Api.as(admin).get("/api/v1/leads/" + lead).then().extract().path("score") != null);
        return Api.as(admin).get("/api/v1/leads/" + lead).then().statusCode(200).extract().jsonPath();
    }

    private static List<Request> requestsTo(String pathEnd) {
        return REQUESTS.stream().filter(r -> r.path().endsWith("/" + pathEnd)).toList();
    }

    /** The delivery of a lead's score to a writer, with its log; null when there is none. */
    private JsonPath deliveryOf(String lead) {
        List<Map<String, Object>> all = Api.as(admin).queryParam("limit", 1000).get("/api/v1/outbound/deliveries")
                .then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.payload.data.leadId == '" + lead + "' }");
        assertTrue(all.size() <= 1, "one delivery per score change: " + all);
        return all.isEmpty() ? null : Api.as(admin).get("/api/v1/outbound/deliveries/" + all.get(0).get("id"))
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void shouldPatchAHubSpotLeadsContactOnceAndLeaveOtherSourcesLeadsAlone() throws Exception {
        String contact = hubspotId();
        String lead = "hubspot-" + contact;
        List<String> others = List.of("pipedrive-" + hubspotId(), Api.unique("lead"), "hubspotx-" + hubspotId());
        others.forEach(this::scoreALead);
        scoreALead(lead);
        await().atMost(WAIT).until(() -> !requestsTo(contact).isEmpty());
        others.forEach(this::scored);
        Thread.sleep(2000); // nothing more comes

        List<Request> mine = requestsTo(contact);
        assertEquals(1, mine.size(), "exactly one PATCH: " + mine);
        Request patch = mine.get(0);
        assertEquals("PATCH", patch.method());
        assertEquals("/hubspot/crm/v3/objects/contacts/" + contact, patch.path());
        assertEquals("Bearer " + HUBSPOT_TOKEN, patch.authorization());
        assertEquals("application/json", patch.contentType());
        JsonPath score = scored(lead);
        assertEquals(JSON.readTree("{\"properties\":{\"closer_score\":\"" + score.getInt("score.score")
                + "\",\"closer_grade\":\"" + score.getString("score.grade") + "\"}}"), JSON.readTree(patch.body()));

        for (String other : others) {
            assertTrue(REQUESTS.stream().noneMatch(r -> r.path().contains(other.substring(other.indexOf('-') + 1))),
                    "no CRM call for " + other);
            assertEquals(null, deliveryOf(other), "no delivery for " + other);
        }
        JsonPath delivery = deliveryOf(lead);
        assertEquals("delivered", delivery.getString("status"));
        assertEquals(List.of(200), delivery.getList("log.statusCode"));

        // the writers are listed with the subscriptions, without their credentials
        String subscriptions = Api.as(admin).get("/api/v1/outbound/subscriptions").then().statusCode(200)
                .extract().asString();
        JsonPath list = JsonPath.from(subscriptions);
        assertEquals(Set.of("hubspot", "salesforce"), Set.copyOf(list.getList("findAll { it.writer != null }.writer")));
        assertEquals(delivery.getLong("subscriptionId"), list.getLong("find { it.writer == 'hubspot' }.id"));
        for (String secret : List.of(HUBSPOT_TOKEN, SF_CLIENT_SECRET, SF_CLIENT_ID)) {
            assertFalse(subscriptions.contains(secret), "the API never shows a writer's credentials");
        }
        Api.as(admin).delete("/api/v1/outbound/subscriptions/" + delivery.getLong("subscriptionId")).then()
                .statusCode(409);
    }

    @Test
    void shouldFetchASalesforceTokenThenPatchAndRenewItOnceWhenRefused() {
        int tokensBefore = TOKENS.get();
        String first = salesforceId("00Q");
        scoreALead("salesforce-" + first);
        await().atMost(WAIT).until(() -> requestsTo(first).stream().anyMatch(r -> r.answer() == 204));
        List<Request> sf = REQUESTS.stream().filter(r -> !r.path().startsWith("/hubspot/")).toList();
        assertEquals(List.of("POST /login/services/oauth2/token 200",
                        "PATCH /instance/services/data/v60.0/sobjects/Lead/" + first + " 204"),
                sf.stream().map(r -> r.method() + " " + r.path() + " " + r.answer()).toList());
        assertEquals("Bearer 00Dtest!sf-token-" + (tokensBefore + 1), sf.get(1).authorization());
        JsonPath score = scored("salesforce-" + first);
        assertEquals(Map.of("Closer_Score__c", score.getInt("score.score"), "Closer_Grade__c",
                score.getString("score.grade")), JsonPath.from(sf.get(1).body()).getMap("$"));

        validToken = null; // the session ends: the token is refused from now on
        String second = salesforceId("00Q");
        scoreALead("salesforce-" + second);
        await().atMost(WAIT).until(() -> requestsTo(second).stream().anyMatch(r -> r.answer() == 204));
        List<Request> renewed = REQUESTS.subList(REQUESTS.indexOf(sf.get(1)) + 1, REQUESTS.size()).stream()
                .filter(r -> !r.path().startsWith("/hubspot/")).toList();
        assertEquals(List.of("PATCH " + second + " 401 Bearer 00Dtest!sf-token-" + (tokensBefore + 1),
                        "POST token 200 null",
                        "PATCH " + second + " 204 Bearer 00Dtest!sf-token-" + (tokensBefore + 2)),
                renewed.stream().map(r -> r.method() + " " + r.path().substring(r.path().lastIndexOf('/') + 1) + " "
                        + r.answer() + " " + r.authorization()).toList());
        JsonPath delivery = deliveryOf("salesforce-" + second);
        assertEquals("delivered", delivery.getString("status"));
        assertEquals(List.of(204), delivery.getList("log.statusCode"), "the renewal is part of one attempt");

        String contact = salesforceId("003"); // a Contact id: written to the Contact object
        scoreALead("salesforce-" + contact);
        await().atMost(WAIT).until(() -> requestsTo(contact).stream().anyMatch(r -> r.answer() == 204));
        assertEquals("/instance/services/data/v60.0/sobjects/Contact/" + contact, requestsTo(contact).get(0).path());
        assertEquals(tokensBefore + 2, TOKENS.get(), "the token is kept while it is taken");
    }

    @Test
    void shouldRetryAServerErrorAndThenDeliver() {
        String contact = hubspotId();
        SCRIPT.put(contact, new ArrayDeque<>(List.of(new Reply(503, null))));
        scoreALead("hubspot-" + contact);
        await().atMost(WAIT).until(() -> requestsTo(contact).size() >= 2);
        await().atMost(WAIT).until(() -> "delivered".equals(deliveryOf("hubspot-" + contact).getString("status")));
        JsonPath delivery = deliveryOf("hubspot-" + contact);
        assertEquals(List.of(503, 200), delivery.getList("log.statusCode"));
        assertEquals(2, delivery.getInt("attempts"));
        assertEquals(2, requestsTo(contact).size());
    }

    /** A pending score delivery to the writer, queued directly; its payload names no lead, so deliveryOf skips it. */
    private long queue(Connection c, long subscription, String lead, int score, String grade, String dueIn)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into webhook_deliveries (subscription_id, event_id, event_type, payload, lead_id,
                                                next_attempt_at)
                values (?, ?, 'lead.score.changed', ?::jsonb, ?, now() + ?::interval) returning id""")) {
            ps.setLong(1, subscription);
            ps.setString(2, Api.unique("test-score"));
            ps.setString(3, "{\"data\":{\"score\":" + score + ",\"grade\":\"" + grade + "\"}}");
            ps.setString(4, lead);
            ps.setString(5, dueIn);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private JsonPath delivery(long id) {
        return Api.as(admin).get("/api/v1/outbound/deliveries/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** Scores a lead and waits until its first score is written: a lead of the writer, with a delivered score. */
    private long writtenOnce(String lead) {
        scoreALead(lead);
        await().atMost(WAIT).until(() -> {
            JsonPath d = deliveryOf(lead);
            return d != null && "delivered".equals(d.getString("status"));
        });
        return deliveryOf(lead).getLong("subscriptionId");
    }

    @Test
    void shouldWaitForTheRetryAfterOfA429WithTheWritersOtherDeliveries() throws SQLException {
        // another lead of the same writer has a score queued, due once the 429 below is being answered
        String other = hubspotId();
        long subscription = writtenOnce("hubspot-" + other);
        long queued;
        try (Connection c = dataSource.getConnection()) {
            queued = queue(c, subscription, "hubspot-" + other, 77, "A", "1 hour");
        }
        onRateLimit = () -> {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement(
                         "update webhook_deliveries set next_attempt_at = now() where id = ?")) {
                ps.setLong(1, queued);
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        };

        String contact = hubspotId();
        SCRIPT.put(contact, new ArrayDeque<>(List.of(new Reply(429, "3"))));
        scoreALead("hubspot-" + contact);
        await().atMost(WAIT).until(() -> requestsTo(contact).size() >= 2 && requestsTo(other).size() >= 2);
        List<Request> mine = requestsTo(contact);
        assertEquals(429, mine.get(0).answer());
        assertEquals(200, mine.get(1).answer());
        Duration waited = Duration.between(mine.get(0).at(), mine.get(1).at());
        // the backoff alone (200 ms in tests, on the sender's 1 s tick) would retry within about a second
        assertTrue(waited.compareTo(Duration.ofMillis(2900)) >= 0, "waited " + waited + " after Retry-After: 3");
        Request queuedWrite = requestsTo(other).get(1);
        assertEquals(readTree("{\"properties\":{\"closer_score\":\"77\",\"closer_grade\":\"A\"}}"),
                readTree(queuedWrite.body()));
        Duration queuedWaited = Duration.between(mine.get(0).at(), queuedWrite.at());
        assertTrue(queuedWaited.compareTo(Duration.ofMillis(2900)) >= 0,
                "the writer's other delivery, due during the 429, waited " + queuedWaited + " too");
        await().atMost(WAIT).until(() -> "delivered".equals(deliveryOf("hubspot-" + contact).getString("status")));
        assertEquals(List.of(429, 200), deliveryOf("hubspot-" + contact).getList("log.statusCode"));
        await().atMost(WAIT).until(() -> "delivered".equals(delivery(queued).getString("status")));
        assertEquals(1, delivery(queued).getInt("attempts"), "waiting used no attempt");
    }

    @Test
    void shouldSkipAScoreThatANewerOneOfTheLeadSupersedes() throws SQLException {
        String contact = hubspotId();
        String lead = "hubspot-" + contact;
        long subscription = writtenOnce(lead);
        long older;
        long newer;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            older = queue(c, subscription, lead, 41, "C", "0 seconds");
            newer = queue(c, subscription, lead, 88, "A", "0 seconds");
            c.commit();
        }
        await().atMost(WAIT).until(() -> "delivered".equals(delivery(newer).getString("status")));
        JsonPath skipped = delivery(older);
        assertEquals("skipped", skipped.getString("status"));
        assertEquals("superseded by delivery " + newer + " (a newer score of the lead)",
                skipped.getString("lastError"));
        assertEquals(0, skipped.getInt("attempts"));
        assertEquals(List.of(), skipped.getList("log"));
        List<Request> mine = requestsTo(contact);
        assertEquals(2, mine.size(), "the first score and the newer one: " + mine);
        assertEquals(readTree("{\"properties\":{\"closer_score\":\"88\",\"closer_grade\":\"A\"}}"),
                readTree(mine.get(1).body()));
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldMakeARefusedWriteDeadAtOnceUntilAnAdminReplaysIt() {
        String contact = hubspotId();
        SCRIPT.put(contact, new ArrayDeque<>(List.of(new Reply(404, null))));
        scoreALead("hubspot-" + contact);
        await().atMost(WAIT).until(() -> {
            JsonPath d = deliveryOf("hubspot-" + contact);
            return d != null && "dead".equals(d.getString("status"));
        });
        JsonPath dead = deliveryOf("hubspot-" + contact);
        assertEquals(1, dead.getInt("attempts"), "a 404 is not retried");
        assertTrue(dead.getString("lastError").startsWith("HTTP 404: "), dead.getString("lastError"));
        Api.as(admin).post("/api/v1/outbound/deliveries/" + dead.getLong("id") + "/replay").then().statusCode(202);
        await().atMost(WAIT).until(() -> "delivered".equals(deliveryOf("hubspot-" + contact).getString("status")));
        assertEquals(List.of(404, 200), deliveryOf("hubspot-" + contact).getList("log.statusCode"));
    }

    @Test
    void shouldNotWriteALeadMergedAwayBeforeItsRetry() {
        String contact = hubspotId();
        String lead = "hubspot-" + contact;
        SCRIPT.put(contact, new ArrayDeque<>(List.of(new Reply(429, "6"))));
        scoreALead(lead);
        await().atMost(WAIT).until(() -> !requestsTo(contact).isEmpty());
        Api.as(admin).contentType("application/cloudevents+json").body("""
                {"specversion":"1.0","id":"%s","source":"closer/test","type":"closer.lead.deleted","subject":"%s",
                 "time":"%s","data":{"id":"%s","mergedInto":"hubspot-1"}}"""
                .formatted(Api.unique("crm-del"), lead, Instant.now(), lead))
                .post("/api/v1/events").then().statusCode(202);
        await().atMost(WAIT).until(() -> Db.text(em, "select deleted_at from leads where id = ?1", lead) != null);
        await().atMost(WAIT).until(() -> "skipped".equals(deliveryOf(lead).getString("status")));
        JsonPath skipped = deliveryOf(lead);
        assertEquals("the lead was merged into hubspot-1", skipped.getString("lastError"));
        assertEquals(List.of(429), skipped.getList("log.statusCode"), "no call after the merge");
        assertEquals(1, requestsTo(contact).size());
        assertTrue(Api.as(admin).queryParam("status", "skipped").get("/api/v1/outbound/deliveries").then()
                .statusCode(200).extract().jsonPath().getList("id", Long.class).contains(skipped.getLong("id")),
                "listed with the skipped deliveries");
    }
}
