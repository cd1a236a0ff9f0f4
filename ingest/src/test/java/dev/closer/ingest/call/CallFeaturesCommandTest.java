package dev.closer.ingest.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.ingest.data.CallTranscribedData.Utterance;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** closer-call-features: JSONL in, one feature row per call out, values as CallMetrics computes them. */
class CallFeaturesCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    // rep 0-6 s (2 questions, 1 filler), prospect 7-10 s (the price), rep 9.5-12 s interrupts, prospect 16-20 s
    // after a 4 s silence.
    private static final String CALL = "{\"id\":\"c1\",\"utterances\":["
            + "{\"speaker\":\"Ann\",\"role\":\"rep\",\"startMs\":0,\"endMs\":6000,"
            + "\"text\":\"Um, how are you? What is your budget?\"},"
            + "{\"speaker\":\"Bob\",\"role\":\"prospect\",\"startMs\":7000,\"endMs\":10000,"
            + "\"text\":\"The price is high. We also use Dataloom.\"},"
            + "{\"speaker\":\"Ann\",\"role\":\"rep\",\"startMs\":9500,\"endMs\":12000,"
            + "\"text\":\"Let's agree next steps.\"},"
            + "{\"speaker\":\"Bob\",\"role\":\"prospect\",\"startMs\":16000,\"endMs\":20000,\"text\":\"Fine.\"}]}";

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new CommandLine(new CallFeaturesCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))).execute(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldWriteOneRowOfMetricsAndTrackersPerCall(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("calls.jsonl");
        Files.writeString(in, CALL + "\n\n" + CALL.replace("\"c1\"", "\"c2\"") + "\n");
        Run r = run(in.toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(2, lines.size());
        JsonNode f = JSON.readTree(lines.get(0));
        assertEquals("c1", f.get("id").asText());
        assertEquals(20000, f.get("durationMs").asLong());
        assertEquals(4, f.get("utterances").asInt());
        assertEquals(2, f.get("repUtterances").asInt());
        // rep talk 0-6 + 9.5-12 = 8.5 s; prospect 7-10 + 16-20 = 7 s (the 0.5 s overlap counts for both)
        assertEquals(8.5 / 15.5, f.get("talkRatio").asDouble(), 1e-12);
        assertEquals(6000, f.get("longestRepMonologueMs").asLong());
        assertEquals(4000, f.get("longestCustomerStoryMs").asLong());
        assertEquals(3 * 60_000.0 / 20_000, f.get("switchesPerMinute").asDouble(), 1e-12);
        // patience: 7000 - 6000 is a rep->prospect gap (not a sample); prospect 10000 -> rep 9500 is negative: none
        assertTrue(f.get("patienceMs").isNull());
        assertEquals(3.0, f.get("repInterruptionsPerMinute").asDouble(), 1e-12);
        assertEquals(0.0, f.get("prospectInterruptionsPerMinute").asDouble(), 1e-12);
        assertEquals(1, f.get("silences").asInt());
        assertEquals(4000, f.get("silenceMs").asLong());
        assertEquals(2, f.get("repQuestions").asInt());
        assertEquals(0, f.get("prospectQuestions").asInt());
        assertEquals(12, f.get("repWords").asInt());
        assertEquals(1 * 60_000.0 / 8500, f.get("repFillersPerMinute").asDouble(), 1e-12);
        assertEquals(1, f.get("pricingMentionsRep").asInt());
        assertEquals(1, f.get("pricingMentionsProspect").asInt());
        assertEquals(1, f.get("competitorMentionsProspect").asInt());
        assertEquals(1, f.get("nextStepsMentionsRep").asInt());
        assertEquals("c2", JSON.readTree(lines.get(1)).get("id").asText());
    }

    @Test
    void shouldUseTheGivenTrackersAndReportRejectedCalls(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("calls.jsonl");
        Path out = dir.resolve("features.jsonl");
        Files.writeString(in, CALL.replace("{\"id\":\"c1\",", "{\"id\":\"c1\",\"context\":{\"callType\":\"demo\"},")
                + "\n{\"id\":7,\"utterances\":[]}\n");
        Run r = run(in.toString(), "--out", out.toString(), "--tracker", "money=price*,high,is high");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("line 2: transcript is empty"), r.err());
        List<String> lines = Files.readAllLines(out);
        JsonNode f = JSON.readTree(lines.get(0));
        assertEquals(3, f.get("moneyMentionsProspect").asInt());
        assertEquals("demo", f.get("callType").asText());
        assertTrue(f.get("pricingMentionsRep") == null);
        assertEquals(7, JSON.readTree(lines.get(1)).get("id").asInt());
        assertTrue(JSON.readTree(lines.get(1)).get("error").asText().startsWith("transcript is empty"));
    }

    /** Serving passes the analysis' metrics and sorted utterances; the features must equal training's. */
    @Test
    void shouldGiveTheSameFeaturesFromAnAnalysisMetrics() throws Exception {
        List<Utterance> unsorted = List.of(
                new Utterance("Pat", "prospect", 9_000L, 15_000L, "What does it cost per seat? Um, our budget is set."),
                new Utterance("Rita", "rep", 0L, 8_000L, "Hi Pat, thanks for your time. Like, shall we schedule?"),
                new Utterance("Rita", "rep", 14_000L, 20_000L, "The price is 20 per user; I can send over a quote."));
        List<Utterance> sorted = CallTranscripts.validate(unsorted);
        assertEquals(CallFeaturesCommand.features(unsorted, CallFeaturesCommand.DEFAULT_TRACKERS),
                CallFeaturesCommand.features(CallMetrics.measure(sorted, CallMetrics.Settings.DEFAULTS), sorted,
                        CallFeaturesCommand.DEFAULT_TRACKERS));
    }

    @Test
    void shouldMatchWholeWordsPrefixesAndPhrases() {
        assertEquals(2, CallFeaturesCommand.matches("Donate? I donated.", List.of("donat*")));
        assertEquals(0, CallFeaturesCommand.matches("a pricey thing", List.of("price")));
        assertEquals(1, CallFeaturesCommand.matches("What are the Next Steps?", List.of("next step*")));
        assertEquals(2, run("-", "--tracker", "Bad=x").exit());
    }
}
