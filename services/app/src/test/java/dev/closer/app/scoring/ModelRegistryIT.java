package dev.closer.app.scoring;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.closer.app.auth.ApiKeyService;
import dev.closer.app.auth.Roles;
import dev.closer.app.scoring.registry.BundleFiles;
import dev.closer.app.scoring.registry.ModelRegistry;
import dev.closer.app.support.Api;
import dev.closer.app.support.Db;
import dev.closer.inference.InferenceOptions;
import dev.closer.inference.ModelBundle;
import dev.closer.inference.tabular.ParityCheck;
import dev.closer.inference.tabular.TabularModel;
import dev.closer.ingest.cli.ModelsCommand;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The model registry against the real PostgreSQL and ONNX Runtime: register (zip, multipart, CLI), validate,
 * activate, roll back, shadow and compare; a broken model never replaces the working one; a hot swap under
 * concurrent scoring fails no request; a version activated by another instance is picked up by polling.
 */
@QuarkusTest
@TestProfile(ModelRegistryIT.Profile.class)
class ModelRegistryIT {

    /** Its own application start (and so an empty schema), a quick registry poll and a small upload limit. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("closer.models.poll-interval", "300ms", "closer.models.max-upload-size", "1M");
        }
    }

    private static final String NAME = LeadScorer.MODEL_NAME;
    private static final Path V0 = Path.of(System.getProperty("closer.models.dir")).resolve(NAME).resolve("v0");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ZIP = "application/zip";

    @Inject
    ApiKeyService keys;
    @Inject
    ModelRegistry registry;
    @Inject
    EntityManager em;
    @TestHTTPResource("/")
    URL base;

    private String admin;
    private String adminUser;

    @BeforeEach
    void keys() {
        ApiKeyService.CreatedKey key = Api.newKey(keys, Roles.ADMIN, null);
        admin = key.key();
        adminUser = Api.as(admin).get("/api/v1/me").then().statusCode(200).extract().path("userId");
    }

    /** Every test leaves v0 active and nothing shadowed, as it found it. */
    @AfterEach
    void backToV0() {
        Api.as(admin).delete("/api/v1/models/" + NAME + "/shadow");
        String active = activeVersion();
        if (!"v0".equals(active)) {
            Api.as(admin).post(path("v0") + "/activate").then().statusCode(200);
        }
        registry.sync(NAME);
        assertEquals("v0", registry.servingVersion(NAME).orElseThrow());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static String path(String version) {
        return "/api/v1/models/" + NAME + "/versions/" + version;
    }

    private static String newVersion() {
        return "it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String activeVersion() {
        return Api.as(admin).get("/api/v1/models").then().statusCode(200).extract().jsonPath()
                .getString("find { it.name == 'lead-score' && it.status == 'active' }.version");
    }

    /** The committed v0 bundle's files, under another version (its features.json rewritten; same model.onnx). */
    static Map<String, byte[]> v0As(String version) throws IOException {
        Map<String, byte[]> files = BundleFiles.fromDirectory(V0);
        ObjectNode features = (ObjectNode) JSON.readTree(files.get("features.json"));
        features.put("version", version);
        files.put("features.json", JSON.writeValueAsBytes(features));
        return files;
    }

    /**
     * A candidate that scores differently from v0: the same graph with websiteSeconds standardised around another
     * mean, and a parity file this encoding reproduces (as ml/ would have written for such a model).
     */
    static Map<String, byte[]> candidate(String version) throws IOException {
        Map<String, byte[]> files = v0As(version);
        ObjectNode features = (ObjectNode) JSON.readTree(files.get("features.json"));
        for (var n : features.withArray("numeric")) {
            if (n.get("name").asText().equals("websiteSeconds")) {
                ((ObjectNode) n).put("mean", n.get("mean").asDouble() - 0.8 * n.get("std").asDouble());
            }
        }
        files.put("features.json", JSON.writeValueAsBytes(features));
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (String line : new String(files.get(ParityCheck.FILE), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                inputs.add(JSON.convertValue(JSON.readTree(line).get("input"), Map.class));
            }
        }
        StringBuilder parity = new StringBuilder();
        try (TabularModel model = TabularModel.open(ModelBundle.fromFiles("candidate", files),
                InferenceOptions.cpu())) {
            float[] p = model.predict(inputs);
            for (int i = 0; i < p.length; i++) {
                parity.append(JSON.writeValueAsString(Map.of("input", inputs.get(i), "probability", (double) p[i])))
                        .append('\n');
            }
        }
        files.put(ParityCheck.FILE, parity.toString().getBytes(StandardCharsets.UTF_8));
        return files;
    }

    static byte[] zip(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(f.getKey()));
                zip.write(f.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private Response upload(Map<String, byte[]> files) throws IOException {
        return Api.as(admin).contentType(ZIP).body(zip(files)).post("/api/v1/models");
    }

    private void uploadAndValidate(Map<String, byte[]> files, String version) throws IOException {
        upload(files).then().statusCode(201);
        Api.as(admin).post(path(version) + "/validate").then().statusCode(200)
                .body("status", equalTo("validated"));
    }

    private static final Map<String, Object> PAYLOAD = Map.of("source", "Google", "occupation",
            "Working Professional", "websiteSeconds", 1200, "websiteVisits", 5, "doNotEmail", false);

    private String scoredBy(String key) {
        return Api.as(key).contentType("application/json").body(PAYLOAD).post("/api/v1/score").then()
                .statusCode(200).extract().path("model");
    }

    private Map<String, Object> modelHealth() {
        List<Map<String, Object>> checks = io.restassured.RestAssured.get("/q/health/ready").jsonPath()
                .getList("checks");
        return checks.stream().filter(c -> "lead-score model".equals(c.get("name"))).findFirst().orElseThrow();
    }

    private long count(String sql, Object... params) {
        return Db.count(em, sql, params);
    }

    private void sql(String sql, Object... params) {
        QuarkusTransaction.requiringNew().run(() -> {
            var q = em.createNativeQuery(sql);
            for (int i = 0; i < params.length; i++) {
                q.setParameter(i + 1, params[i]);
            }
            q.executeUpdate();
        });
    }

    // -------------------------------------------------------------------------------------------------- tests

    @Test
    void shouldRegisterValidateActivateScoreAndRollBack() throws IOException {
        String v = newVersion();
        int parityLines = (int) Files.readAllLines(V0.resolve(ParityCheck.FILE)).stream()
                .filter(l -> !l.isBlank()).count();
        upload(v0As(v)).then().statusCode(201)
                // The whole path: a doubled /api prefix once passed a containsString check.
                .header("Location", org.hamcrest.Matchers.matchesPattern("https?://[^/]+" + Pattern.quote(path(v))))
                .body("name", equalTo(NAME)).body("version", equalTo(v)).body("status", equalTo("registered"))
                .body("source", equalTo("upload")).body("registeredBy", equalTo(adminUser))
                .body("metrics", org.hamcrest.Matchers.notNullValue());
        upload(v0As(v)).then().statusCode(409).contentType("application/problem+json")
                .body("detail", startsWith(NAME + "/" + v + " is already registered"));

        Api.as(admin).post(path(v) + "/activate").then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("has not passed validation (status registered, never validated)"));

        Api.as(admin).post(path(v) + "/validate").then().statusCode(200)
                .body("status", equalTo("validated"))
                .body("validation.passed", equalTo(true))
                .body("validation.lines", equalTo(parityLines))
                .body("validation.failed", equalTo(0))
                .body("validation.maxDiff", lessThanOrEqualTo((float) ParityCheck.TOLERANCE))
                .body("validation.device", equalTo("cpu"));
        JsonPath detail = Api.as(admin).get(path(v)).then().statusCode(200).extract().jsonPath();
        assertEquals(Set.of("card.md", "features.json", "metrics.json", "model.onnx", "parity.jsonl", "reference.json"),
                Set.copyOf(detail.getList("files.name")));
        assertTrue(detail.getString("card").startsWith("# Model card"));

        Api.as(admin).post(path(v) + "/activate").then().statusCode(200)
                .body("status", equalTo("active")).body("activatedAt", org.hamcrest.Matchers.notNullValue());
        assertEquals(NAME + "/" + v, scoredBy(admin));
        assertEquals(NAME + "/" + v, modelHealth().get("data") instanceof Map<?, ?> d ? d.get("model") : null);
        Api.as(admin).get("/api/v1/models").then()
                .body("find { it.version == 'v0' }.status", equalTo("retired"));
        Api.as(admin).post(path(v) + "/activate").then().statusCode(409)
                .body("detail", equalTo(NAME + "/" + v + " is already active."));

        Api.as(admin).post("/api/v1/models/" + NAME + "/rollback").then().statusCode(200)
                .body("version", equalTo("v0")).body("status", equalTo("active"));
        assertEquals(NAME + "/v0", scoredBy(admin));
        Api.as(admin).get("/api/v1/models").then().body("find { it.version == '" + v + "' }.status",
                equalTo("retired"));

        List<Map<String, Object>> events = Api.as(admin).get("/api/v1/models/" + NAME + "/events").then()
                .statusCode(200).extract().jsonPath().getList("");
        assertEquals(List.of("rolled_back", "activated", "validated", "registered"), events.stream()
                .filter(e -> v.equals(e.get("version")) || "rolled_back".equals(e.get("action")))
                .limit(4).map(e -> (String) e.get("action")).toList());
        Map<String, Object> rolledBack = events.get(0);
        assertEquals("v0", rolledBack.get("version"));
        assertEquals(v, rolledBack.get("fromVersion"));
        assertEquals(adminUser, rolledBack.get("actor"));

        String rep = Api.newKey(keys, Roles.REP, null).key();
        Api.as(rep).get("/api/v1/models").then().statusCode(200).body("version", hasItem(v));
        Api.as(rep).post(path(v) + "/activate").then().statusCode(403);
        Api.as(rep).contentType(ZIP).body(zip(v0As(newVersion()))).post("/api/v1/models").then().statusCode(403);
    }

    @Test
    void shouldAcceptTheFilesAsAMultipartForm() throws IOException {
        String v = newVersion();
        var request = Api.as(admin);
        for (Map.Entry<String, byte[]> f : v0As(v).entrySet()) {
            request = request.multiPart("file", f.getKey(), f.getValue());
        }
        request.post("/api/v1/models").then().statusCode(201).body("version", equalTo(v))
                .body("status", equalTo("registered"));
        Api.as(admin).post(path(v) + "/validate").then().statusCode(200).body("validation.passed", equalTo(true));
    }

    @Test
    void shouldSayWhatIsWrongWithAnUpload() throws IOException {
        Api.as(admin).contentType(ZIP).body("not a zip".getBytes(StandardCharsets.UTF_8)).post("/api/v1/models")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", startsWith("The body is not a zip archive"));

        Map<String, byte[]> noModel = v0As(newVersion());
        noModel.remove("model.onnx");
        upload(noModel).then().statusCode(422).contentType("application/problem+json")
                .body("title", equalTo("Unprocessable Content"))
                .body("detail", startsWith("The bundle has no model.onnx (it holds: card.md, features.json, "
                        + "metrics.json, parity.jsonl, reference.json)"));

        Map<String, byte[]> badFeatures = v0As(newVersion());
        ObjectNode features = (ObjectNode) JSON.readTree(badFeatures.get("features.json"));
        features.remove("version");
        badFeatures.put("features.json", JSON.writeValueAsBytes(features));
        upload(badFeatures).then().statusCode(422)
                .body("detail", containsString("Invalid features.json in the upload: name and version are required"));

        Map<String, byte[]> badVersion = v0As("../v9");
        upload(badVersion).then().statusCode(422).body("detail", containsString("name and version may hold"));

        byte[] big = new byte[1_200_000];
        big[0] = 'P';
        big[1] = 'K';
        Api.as(admin).contentType(ZIP).body(big).post("/api/v1/models").then().statusCode(413)
                .contentType("application/problem+json")
                .body("detail", equalTo("The upload has 1200000 bytes; the most accepted is 1048576 "
                        + "(closer.models.max-upload-size)."));

        Api.as(admin).post(path("nope") + "/validate").then().statusCode(404)
                .body("detail", equalTo("No model lead-score/nope is registered."));
    }

    @Test
    void shouldNeverReplaceAWorkingModelWithABrokenFile() throws IOException {
        // A model.onnx cut in half: stored, but it does not load, so it is invalid and cannot be activated.
        String cut = newVersion();
        Map<String, byte[]> files = v0As(cut);
        files.put("model.onnx", Arrays.copyOf(files.get("model.onnx"), files.get("model.onnx").length / 2));
        upload(files).then().statusCode(201);
        Api.as(admin).post(path(cut) + "/validate").then().statusCode(200)
                .body("status", equalTo("invalid")).body("validation.passed", equalTo(false))
                .body("validation.error", startsWith("it does not load: Could not load ONNX model " + NAME + "/"
                        + cut));
        Api.as(admin).post(path(cut) + "/activate").then().statusCode(409)
                .body("detail", containsString("has not passed validation (status invalid: it does not load"));
        Api.as(admin).post(path(cut) + "/shadow").then().statusCode(409);
        assertEquals(NAME + "/v0", scoredBy(admin));

        // A parity file that does not match what the model computes: invalid, the first mismatches named.
        String drift = newVersion();
        files = v0As(drift);
        List<String> lines = new ArrayList<>(List.of(new String(files.get(ParityCheck.FILE),
                StandardCharsets.UTF_8).split("\n")));
        for (int i : new int[] {0, 5}) {
            ObjectNode row = (ObjectNode) JSON.readTree(lines.get(i));
            row.put("probability", row.get("probability").asDouble() > 0.5 ? 0.01 : 0.99);
            lines.set(i, JSON.writeValueAsString(row));
        }
        files.put(ParityCheck.FILE, String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
        upload(files).then().statusCode(201);
        Api.as(admin).post(path(drift) + "/validate").then().statusCode(200)
                .body("status", equalTo("invalid")).body("validation.failed", equalTo(2))
                .body("validation.failures[0]", startsWith("line 1: java "))
                .body("validation.failures[1]", startsWith("line 6: java "))
                .body("validation.summary", startsWith("parity failed: 2 of "));
        Api.as(admin).post(path(drift) + "/activate").then().statusCode(409);

        // No parity file: it cannot be validated.
        String blind = newVersion();
        files = v0As(blind);
        files.remove(ParityCheck.FILE);
        upload(files).then().statusCode(201);
        Api.as(admin).post(path(blind) + "/validate").then().statusCode(200).body("status", equalTo("invalid"))
                .body("validation.error", startsWith("no parity.jsonl in the bundle"));

        // Validated, then its stored bytes damaged: activation loads and checks it first, refuses it (422) and
        // v0 keeps serving.
        String damaged = newVersion();
        uploadAndValidate(v0As(damaged), damaged);
        sql("update model_files set content = ?1 where name = 'model.onnx' and model_id = "
                + "(select id from models where name = 'lead-score' and version = ?2)",
                "garbage".getBytes(StandardCharsets.UTF_8), damaged);
        Api.as(admin).post(path(damaged) + "/activate").then().statusCode(422)
                .contentType("application/problem+json")
                .body("detail", containsString("failed its check on this instance and was not activated: the stored "
                        + "model.onnx has sha256"))
                .body("detail", containsString("lead-score/v0 keeps serving"));
        Api.as(admin).get(path(damaged)).then().body("model.status", equalTo("invalid"));
        assertEquals("v0", activeVersion());
        assertEquals(NAME + "/v0", scoredBy(admin));
        assertTrue(io.restassured.RestAssured.get("/q/metrics").asString().lines().anyMatch(l ->
                l.startsWith("closer_models_swaps_total") && l.contains("outcome=\"failure\"")
                        && l.contains("slot=\"active\"")));
    }

    @Test
    void shouldHotSwapUnderConcurrentScoringWithoutAFailedRequest() throws Exception {
        String v = newVersion();
        uploadAndValidate(v0As(v), v);
        HttpClient http = HttpClient.newHttpClient();
        byte[] body = JSON.writeValueAsBytes(PAYLOAD);
        URI score = base.toURI().resolve("/api/v1/score");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger ok = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, AtomicInteger> byModel = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<?>> clients = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            clients.add(pool.submit(() -> {
                while (!stop.get()) {
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(score)
                                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() == 200) {
                            ok.incrementAndGet();
                            byModel.computeIfAbsent(JSON.readTree(r.body()).get("model").asText(),
                                    m -> new AtomicInteger()).incrementAndGet();
                        } else {
                            failures.add(r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        int swaps = 0;
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
        while (System.nanoTime() < end) {
            String next = swaps % 2 == 0 ? v : "v0";
            Api.as(admin).post(path(next) + "/activate").then().statusCode(200);
            swaps++;
            Thread.sleep(150);
        }
        stop.set(true);
        for (Future<?> f : clients) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertTrue(failures.isEmpty(), failures.size() + " failed requests, first: "
                + (failures.isEmpty() ? "" : failures.get(0)));
        assertTrue(swaps >= 6, "only " + swaps + " swaps");
        assertTrue(ok.get() > 50, "only " + ok.get() + " requests");
        assertTrue(byModel.containsKey(NAME + "/" + v) && byModel.containsKey(NAME + "/v0"), byModel.toString());
    }

    @Test
    void shouldShadowScoreACandidateAndCompareItWithTheActiveVersion() throws Exception {
        String v = newVersion();
        Map<String, byte[]> files = candidate(v);
        uploadAndValidate(files, v);
        Api.as(admin).post(path(v) + "/shadow").then().statusCode(200).body("status", equalTo("shadow"));
        assertEquals(NAME + "/" + v, ((Map<?, ?>) modelHealth().get("data")).get("shadow"));

        String[] sources = {"Google", "Direct Traffic", "Olark Chat", "Organic Search", "Reference"};
        String[] occupations = {"Unemployed", "Working Professional", "Student", "Other"};
        int n = 40;
        List<Map<String, Object>> payloads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            payloads.add(Map.of("source", sources[i % sources.length], "occupation",
                    occupations[i % occupations.length], "websiteSeconds", 40 * i * i, "websiteVisits", i % 9,
                    "doNotEmail", i % 7 == 0));
        }
        for (Map<String, Object> p : payloads) {
            Api.as(admin).contentType("application/json").body(p).post("/api/v1/score").then().statusCode(200)
                    .body("model", equalTo(NAME + "/v0")); // the shadow never answers
        }
        // A lead that arrives as an event is shadow-scored too, under its id.
        String lead = Api.unique("shadow-lead");
        Api.as(admin).contentType("application/cloudevents+json").body(Api.leadEvent(Api.unique("evt"), lead,
                "2026-01-02T00:00:00Z", "\"source\":\"Google\",\"websiteSeconds\":900")).post("/api/v1/events")
                .then().statusCode(202);
        String shadowed = "select count(*) from shadow_scores where shadow_version = ?1";
        await().atMost(Duration.ofSeconds(60)).until(() -> count(shadowed + " and lead_id = ?2", v, lead) == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> count(shadowed, v) == n + 1);

        // The numbers the endpoint gives equal those computed here from the stored pairs ...
        List<double[]> pairs = new ArrayList<>(); // active p, shadow p, active score, shadow score, same grade
        QuarkusTransaction.requiringNew().run(() -> {
            for (Object o : em.createNativeQuery("""
                            select active_probability, shadow_probability, active_score, shadow_score,
                                   case when active_grade = shadow_grade then 1 else 0 end, active_version
                            from shadow_scores where shadow_version = ?1""").setParameter(1, v).getResultList()) {
                Object[] r = (Object[]) o;
                assertEquals("v0", r[5]);
                pairs.add(new double[] {((Number) r[0]).doubleValue(), ((Number) r[1]).doubleValue(),
                        ((Number) r[2]).doubleValue(), ((Number) r[3]).doubleValue(), ((Number) r[4]).doubleValue()});
            }
        });
        // ... and the stored shadow probabilities are the candidate's own.
        try (TabularModel model = TabularModel.open(ModelBundle.fromFiles("candidate", files),
                InferenceOptions.cpu())) {
            float[] expected = model.predict(payloads);
            List<Double> stored = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                            "select shadow_probability from shadow_scores where shadow_version = ?1 "
                                    + "and lead_id is distinct from ?2 order by id").setParameter(1, v)
                    .setParameter(2, lead).getResultList().stream()
                    .map(x -> ((Number) x).doubleValue()).toList());
            assertEquals(n, stored.size());
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], stored.get(i), 1e-6, "payload " + i);
            }
        }
        double mad = pairs.stream().mapToDouble(p -> Math.abs(p[2] - p[3])).average().orElseThrow();
        double agreement = pairs.stream().mapToDouble(p -> p[4]).average().orElseThrow();
        double spearman = pearson(ranks(pairs, 0), ranks(pairs, 1));
        long[] activeHistogram = new long[10];
        long[] shadowHistogram = new long[10];
        pairs.forEach(p -> {
            activeHistogram[Math.min((int) p[2] / 10, 9)]++;
            shadowHistogram[Math.min((int) p[3] / 10, 9)]++;
        });
        assertTrue(mad > 0.5, "the candidate should score differently: " + mad);

        JsonNode c = JSON.readTree(Api.as(admin).get(path(v) + "/comparison").then().statusCode(200).extract()
                .asString());
        assertEquals(n + 1, c.get("count").asLong());
        assertEquals("[\"v0\"]", c.get("activeVersions").toString());
        assertEquals(mad, c.get("meanAbsoluteDifference").asDouble(), 1e-9);
        assertEquals(agreement, c.get("gradeAgreement").asDouble(), 1e-9);
        assertEquals(spearman, c.get("spearman").asDouble(), 1e-9);
        assertTrue(spearman > 0.5 && spearman < 1.0, "spearman " + spearman);
        assertArrayEquals(activeHistogram, JSON.convertValue(c.at("/histogram/active"), long[].class));
        assertArrayEquals(shadowHistogram, JSON.convertValue(c.at("/histogram/shadow"), long[].class));
        assertEquals(10, c.at("/histogram/buckets").size());
        Api.as(admin).get(path(v) + "/comparison?against=v9").then().statusCode(200).body("count", equalTo(0))
                .body("spearman", nullValue());

        // One shadow per name: another candidate replaces it. Stopping puts it back to validated.
        Api.as(admin).post(path("v0") + "/shadow").then().statusCode(409)
                .body("detail", containsString("is the active version"));
        Api.as(admin).delete("/api/v1/models/" + NAME + "/shadow").then().statusCode(200)
                .body("status", equalTo("validated"));
        assertFalse(((Map<?, ?>) modelHealth().get("data")).containsKey("shadow"));
        Api.as(admin).delete("/api/v1/models/" + NAME + "/shadow").then().statusCode(404);
    }

    /** Mean ranks (ties share theirs) of column {@code col}, in row order. */
    private static double[] ranks(List<double[]> rows, int col) {
        Integer[] order = new Integer[rows.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> rows.get(i)[col]));
        double[] ranks = new double[rows.size()];
        for (int i = 0; i < order.length; ) {
            int j = i;
            while (j + 1 < order.length && rows.get(order[j + 1])[col] == rows.get(order[i])[col]) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = (i + j) / 2.0 + 1;
            }
            i = j + 1;
        }
        return ranks;
    }

    private static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElseThrow();
        double my = Arrays.stream(y).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    @Test
    void shouldPickUpAVersionActivatedByAnotherInstanceAndKeepServingWhenItCannotLoadIt() throws IOException {
        String v = newVersion();
        uploadAndValidate(v0As(v), v);
        // Another instance activated v: only the table changed.
        sql("update models set status = 'retired' where name = 'lead-score' and status = 'active'");
        sql("update models set status = 'active', activated_at = now() where name = 'lead-score' and version = ?1",
                v);
        await().atMost(Duration.ofSeconds(10)).until(() -> (NAME + "/" + v).equals(scoredBy(admin)));

        // Another instance activated a version whose stored file this one cannot load: v keeps serving.
        String broken = newVersion();
        uploadAndValidate(v0As(broken), broken);
        sql("update model_files set content = ?1 where name = 'model.onnx' and model_id = "
                + "(select id from models where name = 'lead-score' and version = ?2)",
                "garbage".getBytes(StandardCharsets.UTF_8), broken);
        sql("update models set status = 'retired' where name = 'lead-score' and status = 'active'");
        sql("update models set status = 'active' where name = 'lead-score' and version = ?1", broken);
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.loadFailure(NAME).isPresent());
        assertEquals(NAME + "/" + v, scoredBy(admin));
        Map<?, ?> health = (Map<?, ?>) modelHealth().get("data");
        assertEquals(NAME + "/" + v, health.get("model"));
        assertEquals(NAME + "/" + broken, health.get("registryActive"));
        assertTrue(health.get("loadFailure").toString().contains("the stored model.onnx has sha256"),
                health.toString());
        assertEquals("UP", modelHealth().get("status"));
    }

    @Test
    void shouldManageTheRegistryFromTheCommandLine(@TempDir Path dir) throws IOException {
        String v = newVersion();
        Path folder = dir.resolve(v);
        Files.createDirectories(folder);
        for (Map.Entry<String, byte[]> f : candidate(v).entrySet()) {
            Files.write(folder.resolve(f.getKey()), f.getValue());
        }
        String url = base.toString();

        Cli upload = cli(url, admin, "upload", folder.toString(), "--validate");
        assertEquals(0, upload.status(), upload.toString());
        assertTrue(upload.out().contains("Registered lead-score/" + v + " (model.onnx sha256 "), upload.out());
        assertTrue(upload.out().contains("lead-score/" + v + ": parity passed: max difference"), upload.out());

        Cli list = cli(url, admin, "list");
        assertEquals(0, list.status(), list.toString());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("lead-score") && l.contains(v)
                && l.contains("validated") && l.contains("passed")), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.contains(" v0 ") && l.contains("active")), list.out());

        Cli shadow = cli(url, admin, "shadow", v);
        assertEquals(0, shadow.status(), shadow.toString());
        assertTrue(shadow.out().contains("lead-score/" + v + " shadows the active version"), shadow.out());
        for (int i = 0; i < 5; i++) {
            scoredBy(admin);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> count(
                "select count(*) from shadow_scores where shadow_version = ?1", v) == 5);
        Cli compare = cli(url, admin, "compare", v);
        assertEquals(0, compare.status(), compare.toString());
        assertTrue(compare.out().contains("lead-score/" + v + " (shadow) vs v0 (active): 5 leads scored by both"),
                compare.out());
        assertTrue(compare.out().contains("mean absolute difference") && compare.out().contains("90-99"),
                compare.out());
        assertEquals(0, cli(url, admin, "shadow", "--stop").status());

        Cli activate = cli(url, admin, "activate", v);
        assertEquals(0, activate.status(), activate.toString());
        assertEquals("lead-score/" + v + " is active", activate.out().strip());
        assertEquals(NAME + "/" + v, scoredBy(admin));
        Cli rollback = cli(url, admin, "rollback");
        assertEquals(0, rollback.status(), rollback.toString());
        assertEquals("Rolled back: lead-score/v0 is active again", rollback.out().strip());

        Cli history = cli(url, admin, "history", "--limit", "3");
        assertEquals(0, history.status(), history.toString());
        assertEquals(3, history.out().lines().count(), history.out());
        assertTrue(history.out().lines().findFirst().orElseThrow().contains("rolled_back       v0"), history.out());

        // Failures: the problem's detail, exit status 1.
        Cli again = cli(url, admin, "upload", folder.toString());
        assertEquals(1, again.status());
        assertTrue(again.err().contains("409 Conflict: lead-score/" + v + " is already registered"), again.err());
        Cli missing = cli(url, admin, "activate", "v404");
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("404 Not Found: No model lead-score/v404 is registered."), missing.err());
        String broken = newVersion();
        Path brokenFolder = dir.resolve(broken);
        Files.createDirectories(brokenFolder);
        for (Map.Entry<String, byte[]> f : v0As(broken).entrySet()) {
            Files.write(brokenFolder.resolve(f.getKey()), f.getKey().equals("model.onnx")
                    ? Arrays.copyOf(f.getValue(), 100) : f.getValue());
        }
        Cli invalid = cli(url, admin, "upload", brokenFolder.toString(), "--validate");
        assertEquals(1, invalid.status(), invalid.toString());
        assertTrue(invalid.out().contains(": parity check failed") || invalid.out().contains("it does not load"),
                invalid.out());
        Cli noKey = cli(url, null, "list");
        assertEquals(1, noKey.status());
        assertTrue(noKey.err().contains("no API key"), noKey.err());
        assertEquals(2, cli(url, admin).status());
    }

    record Cli(int status, String out, String err) {
    }

    private static Cli cli(String url, String key, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("--url", url));
        if (key != null) {
            all.add("--api-key");
            all.add(key);
        }
        all.addAll(List.of(args));
        int status = new CommandLine(new ModelsCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))).execute(all.toArray(String[]::new));
        return new Cli(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
