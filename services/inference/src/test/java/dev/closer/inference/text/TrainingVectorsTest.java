package dev.closer.inference.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.inference.ModelBundle;
import dev.closer.inference.tabular.FeatureSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Training and serving compute the same text features: every parity line of the committed text models holds the text
 * and the vector ml/ trained on; the served encoder (BGE-small, as the app runs it) gives the same vector for that text
 * (cosine ≥ 0.9999), and for a raw reply the same vector after {@link ReplyText}.
 */
class TrainingVectorsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path MODELS = Path.of(System.getProperty("closer.models.dir", "../../ml/models"));

    private static TextEncoder encoder;

    @BeforeAll
    static void open() {
        encoder = TextEncoder.open(EncoderModel.BGE_SMALL);
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    @Test
    void headsReadTheVectorsTheirTextsGetInServing() throws IOException {
        for (String head : List.of("tone/v1", "reply-intent/v1")) {
            List<String> texts = new ArrayList<>();
            List<float[]> trained = new ArrayList<>();
            List<String> raws = new ArrayList<>();
            for (JsonNode row : rows(MODELS.resolve(head))) {
                texts.add(row.get("text").asText());
                trained.add(JSON.convertValue(row.get("embedding"), float[].class));
                raws.add(row.path("raw").isTextual() ? row.get("raw").asText() : null);
            }
            assertSame(head, trained, encoder.embedAll(texts));
            // Reply-intent lines also carry the raw reply: the stripper gives back the text training embedded.
            for (int i = 0; i < raws.size(); i++) {
                if (raws.get(i) != null) {
                    assertEquals(texts.get(i), ReplyText.newText(raws.get(i)), head + " line " + (i + 1));
                }
            }
        }
    }

    @Test
    void theReplyModelReadsTheVectorOfItsRenderedTemplate() throws IOException {
        Path dir = MODELS.resolve("reply-score/v1");
        FeatureSpec.Text text = ModelBundle.fromDirectory(dir).spec().text();
        List<String> texts = new ArrayList<>();
        List<float[]> trained = new ArrayList<>();
        for (JsonNode row : rows(dir)) {
            texts.add(text.render(JSON.convertValue(row.get("input"), new TypeReference<Map<String, Object>>() { })));
            trained.add(JSON.convertValue(row.get(text.input()), float[].class));
        }
        assertSame("reply-score/v1", trained, encoder.embedAll(texts));
    }

    private static void assertSame(String model, List<float[]> trained, float[][] served) {
        assertTrue(trained.size() >= 10, model + ": " + trained.size() + " parity lines");
        for (int i = 0; i < served.length; i++) {
            double cosine = TextEncoder.cosine(trained.get(i), served[i]);
            assertTrue(cosine >= 0.9999, model + " line " + (i + 1) + ": cosine " + cosine);
        }
    }

    private static List<JsonNode> rows(Path dir) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("parity.jsonl"))) {
            if (!line.isBlank()) {
                rows.add(JSON.readTree(line));
            }
        }
        return rows;
    }
}
