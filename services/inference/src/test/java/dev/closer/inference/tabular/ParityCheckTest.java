package dev.closer.inference.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.closer.inference.InferenceOptions;
import dev.closer.inference.ModelBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The parity check the registry runs before a version serves, on the committed lead-score v0. */
class ParityCheckTest {

    private static final Path V0 = Path.of(System.getProperty("closer.models.dir", "../../ml/models"))
            .resolve("lead-score/v0");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TabularModel model;
    private static List<String> lines;

    @BeforeAll
    static void open() throws IOException {
        model = TabularModel.open(ModelBundle.fromDirectory(V0), InferenceOptions.cpu());
        lines = Files.readAllLines(V0.resolve(ParityCheck.FILE)).stream().filter(l -> !l.isBlank()).toList();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static byte[] bytes(List<String> lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPassTheCommittedParityFileWithItsLargestDifference() {
        ParityCheck.Result r = ParityCheck.check(model, bytes(lines));
        assertTrue(r.passed(), r.summary());
        assertEquals(lines.size(), r.lines());
        assertEquals(0, r.failed());
        assertTrue(r.maxDiff() <= ParityCheck.TOLERANCE, r.summary());
        assertNull(r.error());
        assertTrue(r.summary().startsWith("parity passed: max difference"), r.summary());
    }

    @Test
    void shouldFailAndNameTheLinesWhenProbabilitiesDoNotMatch() throws IOException {
        List<String> shifted = new ArrayList<>(lines);
        for (int i : new int[] {2, 7, 11}) {
            ObjectNode row = (ObjectNode) JSON.readTree(shifted.get(i));
            double p = row.get("probability").asDouble();
            row.put("probability", p > 0.5 ? p - 0.01 : p + 0.01);
            shifted.set(i, JSON.writeValueAsString(row));
        }
        ParityCheck.Result r = ParityCheck.check(model, bytes(shifted));
        assertFalse(r.passed());
        assertEquals(3, r.failed());
        assertEquals(0.01, r.maxDiff(), 1e-4);
        assertEquals(List.of("line 3", "line 8", "line 12"), r.failures().stream()
                .map(f -> f.substring(0, f.indexOf(':'))).toList());
        assertTrue(r.summary().startsWith("parity failed: 3 of " + lines.size() + " lines"), r.summary());
    }

    @Test
    void shouldRefuseAnUnreadableLineWithItsNumber() {
        List<String> broken = new ArrayList<>(lines);
        broken.set(4, "{\"input\": {\"source\": \"Google\"}");
        ParityCheck.Result r = ParityCheck.check(model, bytes(broken));
        assertFalse(r.passed());
        assertTrue(r.error().startsWith("parity.jsonl line 5: not valid JSON"), r.error());

        broken.set(4, "{\"input\": {}, \"probability\": 1.5}");
        assertEquals("parity.jsonl line 5: \"probability\" must be a number from 0 to 1",
                ParityCheck.check(model, bytes(broken)).error());
    }

    @Test
    void shouldRefuseAParityFileTooSmallToProveAnything() {
        ParityCheck.Result r = ParityCheck.check(model, bytes(lines.subList(0, 3)));
        assertFalse(r.passed());
        assertEquals(3, r.lines());
        assertTrue(r.error().contains("at least " + ParityCheck.MIN_LINES), r.error());
        assertFalse(ParityCheck.check(model, new byte[0]).passed());
    }
}
