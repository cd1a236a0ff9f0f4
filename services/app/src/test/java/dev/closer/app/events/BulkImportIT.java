package dev.closer.app.events;

import static dev.closer.app.support.Api.unique;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.closer.app.config.CloserConfig;
import dev.closer.ingest.cli.ImportCommand;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bulk import command against the real broker and database: a 10,000-event file with bad lines ends in
 * PostgreSQL exactly once, also when imported twice, and each bad line is reported with its number.
 */
@QuarkusTest
class BulkImportIT {

    @Inject
    KafkaClients kafka;
    @Inject
    CloserConfig config;
    @Inject
    EntityManager em;

    private long count(String sql, String prefix) {
        return QuarkusTransaction.requiringNew().call(() ->
                ((Number) em.createNativeQuery(sql).setParameter(1, prefix + "%").getSingleResult()).longValue());
    }

    @Test
    void shouldStoreAFileExactlyOnceEvenWhenImportedTwiceAndReportBadLines(@TempDir Path dir) throws Exception {
        String run = unique("imp");
        Path file = dir.resolve("events.ndjson.gz");
        int leads = 2_000;
        try (Writer out = new java.io.OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(file)),
                StandardCharsets.UTF_8)) {
            for (int i = 0; i < leads; i++) {
                String lead = run + "-lead-" + i;
                out.write(line(run + "-l" + i, "closer.lead.upserted", lead,
                        "{\"id\":\"" + lead + "\",\"websiteVisits\":" + (i % 13) + "}"));
                for (int a = 0; a < 4; a++) {
                    out.write(line(run + "-a" + i + "-" + a, "closer.activity.recorded", lead,
                            "{\"leadId\":\"" + lead + "\",\"type\":\"page_view\",\"occurredAt\":\"2026-01-02T00:00:00Z\","
                                    + "\"properties\":{\"page\":\"pricing\"}}"));
                }
                if (i == 10) {
                    out.write("{\"not\": \"an event\"\n"); // line 56
                }
                if (i == 20) {
                    out.write(line(run + "-bad", "closer.lead.upserted", run + "-x", "{\"id\":\"" + run
                            + "-x\",\"email\":\"nope\"}")); // line 107
                }
            }
        }
        String[] args = {"--topic", config.topics().crmEvents(), file.toString()};
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ImportCommand.Summary first = ImportCommand.parse(new PrintStream(printed), args).run(kafka.producer());

        assertEquals(leads * 5L + 2, first.lines());
        assertEquals(leads * 5L, first.acknowledged());
        assertEquals(0, first.failed());
        assertEquals(List.of(56L, 107L), first.rejects().stream().map(ImportCommand.Reject::line).toList());
        assertEquals("data.email: must be a well-formed email address", first.rejects().get(1).reason());

        String leadCount = "select count(*) from leads where id like ?1";
        String activityCount = "select count(*) from activities where lead_id like ?1";
        await().atMost(Duration.ofSeconds(90)).until(() -> count(activityCount, run) == leads * 4L
                && count(leadCount, run) == leads);
        // Every lead scored. A lead scored between its upsert and its last activity is scored again (the timeline
        // changes a timeline model's score): more rows than leads is right then; what matters is the count after.
        String scoreCount = "select count(*) from lead_scores where lead_id like ?1";
        await().atMost(Duration.ofSeconds(90)).until(() -> count("""
                select count(distinct lead_id) from lead_scores where lead_id like ?1""", run + "-lead-") == leads
                && count("select count(*) from lead_score_queue where lead_id like ?1", run) == 0);
        long scoresAfterFirst = count(scoreCount, run + "-lead-");

        ImportCommand.Summary second = ImportCommand.parse(new PrintStream(printed), args).run(kafka.producer());
        assertEquals(leads * 5L, second.acknowledged());
        String marker = run + "-marker";
        Path markerFile = dir.resolve("marker.ndjson");
        Files.writeString(markerFile, line(marker, "closer.lead.upserted", marker, "{\"id\":\"" + marker + "\"}"));
        ImportCommand.parse(new PrintStream(printed), "--topic", config.topics().crmEvents(), markerFile.toString())
                .run(kafka.producer());
        await().atMost(Duration.ofSeconds(90)).until(() -> count(leadCount, marker) == 1);
        // The marker can overtake records on other partitions; wait for the consumer group to drain them all.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(90))
                .until(() -> count("select count(*) from ingested_events where id like ?1", run) == leads * 5L + 1);

        assertEquals(leads, count(leadCount, run + "-lead-"));
        assertEquals(leads * 4L, count(activityCount, run));
        assertEquals(scoresAfterFirst, count(scoreCount, run + "-lead-"), "the second import scored nothing again");
        assertEquals(0, count(leadCount, run + "-x"));
    }

    private static String line(String id, String type, String subject, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"closer/test\",\"type\":\"" + type
                + "\",\"subject\":\"" + subject + "\",\"time\":\"2026-01-02T00:00:00Z\",\"data\":" + data + "}\n";
    }
}
