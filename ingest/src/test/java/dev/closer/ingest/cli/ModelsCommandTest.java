package dev.closer.ingest.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** closer-models against a canned API: what it asks, what it prints, its exit status. */
class ModelsCommandTest {

    private static final String VERSION = "{\"name\":\"lead-score\",\"version\":\"v1\",\"status\":\"validated\","
            + "\"sha256\":\"0123456789abcdef0123\",\"activatedAt\":null,\"validation\":{\"passed\":true}}";

    private final StubApi api;

    ModelsCommandTest() throws Exception {
        api = new StubApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void listPrintsATableOfVersionsWithTheBearerKey() {
        api.on("GET", "/api/v1/models", StubApi.ok("[" + VERSION + "]"));
        StubApi.Run run = api.run(ModelsCommand::new, "list");
        assertEquals(0, run.exit(), run.err());
        assertEquals(String.format("%-16s %-16s %-11s %-10s %-12s %s%n", "NAME", "VERSION", "STATUS", "PARITY",
                "SHA256", "ACTIVATED") + String.format("%-16s %-16s %-11s %-10s %-12s %s%n", "lead-score", "v1",
                "validated", "passed", "0123456789ab", "-"), run.out());
        assertEquals("Bearer k", api.requests().get(0).authorization());
    }

    @Test
    void jsonPrintsTheAnswerAsItIs() {
        api.on("GET", "/api/v1/models", StubApi.ok("[" + VERSION + "]"));
        StubApi.Run run = api.run(ModelsCommand::new, "list", "--json");
        assertEquals(0, run.exit(), run.err());
        assertEquals("[" + VERSION + "]" + System.lineSeparator(), run.out());
    }

    @Test
    void aProblemIsPrintedWithItsStatusTitleAndDetailAndExitsOne() {
        api.on("POST", "/api/v1/models/lead-score/versions/v9/activate",
                StubApi.problem(409, "Conflict", "lead-score/v9 has not passed validation"));
        StubApi.Run run = api.run(ModelsCommand::new, "activate", "v9");
        assertEquals(1, run.exit());
        assertEquals("closer-models: 409 Conflict: lead-score/v9 has not passed validation" + System.lineSeparator(),
                run.err());
        assertEquals("", run.out());
    }

    @Test
    void aChangeSaysWhatItDid() {
        api.on("POST", "/api/v1/models/lead-score/versions/v1/activate", StubApi.ok(VERSION));
        StubApi.Run run = api.run(ModelsCommand::new, "activate", "v1");
        assertEquals(0, run.exit(), run.err());
        assertEquals("lead-score/v1 is active" + System.lineSeparator(), run.out());
    }

    @Test
    void uploadSendsTheFolderAsAZipThenValidates(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("features.json"), "{}");
        api.on("POST", "/api/v1/models", StubApi.ok(VERSION))
                .on("POST", "/api/v1/models/lead-score/versions/v1/validate", StubApi.ok("{\"status\":\"registered\","
                        + "\"validation\":{\"passed\":false,\"summary\":\"2 of 50 rows differ\","
                        + "\"failures\":[\"row 3: 0.5 vs 0.7\"]}}"));
        StubApi.Run run = api.run(ModelsCommand::new, "upload", dir.toString(), "--validate");
        assertEquals(1, run.exit(), run.err());
        assertEquals("application/zip", api.requests().get(0).contentType());
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(api.requests().get(0).body()))) {
            assertEquals("features.json", zip.getNextEntry().getName());
            assertEquals("{}", new String(zip.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertTrue(run.out().contains("lead-score/v1: 2 of 50 rows differ (status registered)"), run.out());
        assertTrue(run.out().contains("  row 3: 0.5 vs 0.7"), run.out());
    }

    @Test
    void withoutAnApiKeyItSaysSoAndAsksNothing() {
        StubApi.Run run = StubApi.execute(ModelsCommand::new, "list", "--url", api.url(), "--api-key", "");
        assertEquals(1, run.exit());
        assertEquals("closer-models: no API key: pass --api-key or set CLOSER_API_KEY" + System.lineSeparator(),
                run.err());
        assertTrue(api.requests().isEmpty());
    }

    @Test
    void anUnreachableApiIsReported() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        StubApi.Run run = StubApi.execute(ModelsCommand::new, "list", "--url", "http://127.0.0.1:" + closedPort,
                "--api-key", "k");
        assertEquals(1, run.exit());
        assertTrue(run.err().startsWith("closer-models: cannot reach http://127.0.0.1:" + closedPort + ": "),
                run.err());
    }
}
