package dev.closer.inference.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.closer.inference.InferenceException;
import dev.closer.inference.InferenceOptions;
import dev.closer.inference.ModelBundle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The committed tone head (ml/models/tone/v1) through ONNX Runtime, on the BGE-small vectors it was trained on. */
class TextClassifierTest {

    private static final Path TONE = Path.of(System.getProperty("closer.models.dir", "../../ml/models"), "tone", "v1");

    private static TextEncoder encoder;
    private static TextClassifier tone;

    @BeforeAll
    static void open() {
        encoder = TextEncoder.open(EncoderModel.BGE_SMALL);
        tone = TextClassifier.open(ModelBundle.Files.directory(TONE), InferenceOptions.cpu());
    }

    @AfterAll
    static void close() {
        tone.close();
        encoder.close();
    }

    @Test
    void theHeadReproducesItsParityLinesAndReadsBgeVectors() {
        // open() has checked parity.jsonl; the head names its encoder and labels.
        assertEquals("tone/v1", tone.spec().id());
        assertEquals(List.of("negative", "positive"), tone.spec().labels());
        tone.requireEncoder(EncoderModel.BGE_SMALL);
        InferenceException e = assertThrows(InferenceException.class,
                () -> tone.requireEncoder(EncoderModel.MINILM));
        assertTrue(e.getMessage().contains("closer.text.encoder=bge-small"), e.getMessage());
    }

    @Test
    void clearSentencesGetTheirTone() {
        List<TextClassifier.Prediction> p = tone.predict(encoder.embedAll(List.of(
                "a gorgeous, witty and moving film that I loved from start to finish",
                "a dull, lifeless mess and a complete waste of two hours")));
        assertEquals("positive", p.get(0).label());
        assertEquals("negative", p.get(1).label());
        assertEquals(1.0, p.get(0).probabilities().values().stream().mapToDouble(Double::doubleValue).sum(), 1e-5);
        assertTrue(p.get(0).confidence() > 0.8 && p.get(1).confidence() > 0.8, p.toString());
    }

    /** tones(): p(positive) as probabilities() has it, labelled by features.json's neutral band (0.22, 0.54). */
    @Test
    void tonesLabelThePositiveProbabilityByTheHeadsNeutralBand() {
        float[][] vectors = encoder.embedAll(List.of(
                "a gorgeous, witty and moving film that I loved from start to finish",
                "a dull, lifeless mess and a complete waste of two hours",
                "the meeting is on tuesday at ten",
                "it was fine, i guess"));
        float[][] p = tone.probabilities(vectors);
        TextClassifier.Tone[] tones = tone.tones(vectors);
        assertEquals(vectors.length, tones.length);
        for (int i = 0; i < tones.length; i++) {
            double positive = p[i][1];
            assertEquals(positive, tones[i].positive(), 1e-9);
            String label = tones[i].label();
            assertTrue(positive <= 0.22 ? label.equals("negative") : positive >= 0.54 ? label.equals("positive")
                    : label.equals("neutral"), positive + " labelled " + label);
        }
        assertEquals("positive", tones[0].label());
        assertEquals("negative", tones[1].label());
    }

    @Test
    void aHeadThatDoesNotReproduceItsParityLinesDoesNotLoad() throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        for (String name : List.of("model.onnx", "features.json", "parity.jsonl")) {
            files.put(name, Files.readAllBytes(TONE.resolve(name)));
        }
        String parity = new String(files.get("parity.jsonl"), StandardCharsets.UTF_8);
        String first = parity.substring(0, parity.indexOf('\n'));
        // The first line's expected probabilities swapped: the graph cannot reproduce them.
        String broken = first.replaceFirst("\"probabilities\": ?\\[([^,\\]]+), ?([^\\]]+)\\]",
                "\"probabilities\": [$2, $1]");
        files.put("parity.jsonl", (broken + parity.substring(parity.indexOf('\n'))).getBytes(StandardCharsets.UTF_8));
        InferenceException e = assertThrows(InferenceException.class,
                () -> TextClassifier.open(ModelBundle.Files.of("test", files), InferenceOptions.cpu()));
        assertTrue(e.getMessage().contains("fails parity"), e.getMessage());
        // Too few lines prove nothing: a head with one good line does not load either.
        files.put("parity.jsonl", (first + "\n").getBytes(StandardCharsets.UTF_8));
        e = assertThrows(InferenceException.class,
                () -> TextClassifier.open(ModelBundle.Files.of("test", files), InferenceOptions.cpu()));
        assertTrue(e.getMessage().contains("at least 10"), e.getMessage());
    }
}
