package dev.closer.app.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reply model's rule-computed features, as ml/replyscore/derived.py computes them in training. */
class ReplyFeaturesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PARITY = Path.of(System.getProperty("closer.models.dir", "../../ml/models"),
            "reply-score", "v1", "parity.jsonl");

    @Test
    void handWorkedCases() {
        assertEquals(3, ReplyFeatures.words(" Hi\u00a0there,\tDana\n\nthanks ")); // NBSP does not separate words
        assertEquals(2, ReplyFeatures.questions("Free Tuesday? Or Wednesday?"));
        assertEquals("Pricing", ReplyFeatures.stripReplyPrefix("RE: Fwd:  re:Pricing"));
        assertEquals("Atlasly", ReplyFeatures.companyName("  Atlasly Pty Ltd "));
        assertEquals("Meyer Logistics", ReplyFeatures.companyName("Meyer Logistics GmbH & Co. KG"));
        assertEquals("Hart & Cole", ReplyFeatures.companyName("Hart & Cole, Inc."));
        assertNull(ReplyFeatures.companyName("X Ltd"));
        assertEquals(1, ReplyFeatures.namesCompany("Congrats to the ATLASLY team", "Atlasly Pty Ltd"));
        assertEquals(0, ReplyFeatures.namesCompany("Congrats", null));
        assertEquals(1, ReplyFeatures.hasLink("see WWW.lumora.example"));
        // 2026-02-17T22:22:02Z is Wednesday 09:22 in Sydney (UTC+11 in February).
        String[] local = ReplyFeatures.localTime(OffsetDateTime.parse("2026-02-17T22:22:02Z"), "Australia/Sydney");
        assertEquals("9", local[0]);
        assertEquals("3", local[1]);
        assertNull(ReplyFeatures.localTime(OffsetDateTime.parse("2026-02-17T22:22:02Z"), "Mars/Olympus")[0]);
    }

    /** Every parity line of the committed reply model: Java's rules give the derived values training used. */
    @Test
    void theRulesMatchTrainingOnEveryParityLine() throws IOException {
        List<String> lines = Files.readAllLines(PARITY);
        int checked = 0;
        for (String line : lines) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode row = JSON.readTree(line);
            Map<String, Object> input = JSON.convertValue(row.get("input"), new TypeReference<>() { });
            Map<String, Object> expected = JSON.convertValue(row.get("derived"), new TypeReference<>() { });
            Map<String, Object> derived = ReplyFeatures.withDerived(new HashMap<>(input));
            for (Map.Entry<String, Object> e : expected.entrySet()) {
                Object got = derived.get(e.getKey());
                Object want = e.getValue();
                if (want instanceof Number n) {
                    assertEquals(n.doubleValue(), ((Number) got).doubleValue(), 0.0, e.getKey() + " of " + input);
                } else {
                    assertEquals(want, got, e.getKey() + " of " + input.get("subject"));
                }
            }
            checked++;
        }
        assertTrue(checked >= 10, "parity lines checked: " + checked);
    }
}
