package dev.closer.inference.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The encoder's own contract, on MiniLM (the parity test covers both models against langchain4j). */
class TextEncoderTest {

    static TextEncoder encoder;

    @BeforeAll
    static void open() {
        encoder = TextEncoder.open(TextEncoderOptions.of(EncoderModel.MINILM).withThreads(2));
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    /** Texts of very different lengths, in an order unrelated to their length. */
    static List<String> mixedLengths() {
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int words = (i * 37) % 120 + 1;
            texts.add(String.join(" ", java.util.Collections.nCopies(words, "word" + i)) + " about topic " + i);
        }
        return texts;
    }

    @Test
    void shouldReturnEachTextsVectorInInputOrderAndEqualToEmbeddingItAlone() {
        List<String> texts = mixedLengths();
        float[][] all = encoder.embedAll(texts);
        assertEquals(texts.size(), all.length);
        for (int i = 0; i < texts.size(); i++) {
            // One text per run: the vector does not depend on the other texts, nor on which worker ran it.
            assertArrayEquals(encoder.embed(texts.get(i)), all[i], "text " + i);
            assertEquals(1.0, norm(all[i]), 1e-5, "unit length");
        }
    }

    @Test
    void shouldReadOnlyTheFirst128TokensOfALongText() {
        String head = "Thanks for the demo, we would like to move forward with the annual plan for the whole team. ";
        String longText = head.repeat(20);
        assertEquals(128, encoder.tokenCount(longText));
        // Everything after the first 128 tokens is ignored.
        assertArrayEquals(encoder.embed(longText), encoder.embed(longText + " Unrelated: the weather in Oslo is cold."));
    }

    @Test
    void shouldPlaceSimilarSentencesCloserThanUnrelatedOnes() {
        float[][] v = encoder.embedAll(List.of(
                "Can we reschedule our meeting to next Tuesday?",
                "Could we move the call to Tuesday next week?",
                "The invoice for the annual subscription is attached.",
                "Please unsubscribe me from these emails."));
        double similar = TextEncoder.cosine(v[0], v[1]);
        assertTrue(similar > TextEncoder.cosine(v[0], v[2]), "reschedule vs invoice");
        assertTrue(similar > TextEncoder.cosine(v[0], v[3]), "reschedule vs unsubscribe");
        assertTrue(similar > 0.5, "paraphrases: " + similar); // 0.57 measured
    }

    @Test
    void shouldEmbedEmptyAndWhitespaceTextsAsTheEmptySequence() {
        float[] empty = encoder.embed("");
        assertEquals(2, encoder.tokenCount(""));
        assertArrayEquals(empty, encoder.embed("   \n\t "));
        assertEquals(1.0, norm(empty), 1e-5);
        float[][] rows = encoder.embedAll(List.of("", "hello", ""));
        assertArrayEquals(empty, rows[0]);
        assertArrayEquals(empty, rows[2]);
    }

    @Test
    void shouldRefuseNullNamingItsIndex() {
        List<String> texts = new ArrayList<>(List.of("a", "b"));
        texts.add(null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> encoder.embedAll(texts));
        assertTrue(e.getMessage().contains("text 2 is null"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> encoder.embed(null));
    }

    @Test
    void shouldSelectModelsByName() {
        assertEquals(EncoderModel.MINILM, EncoderModel.byName("minilm"));
        assertEquals(EncoderModel.BGE_SMALL, EncoderModel.byName("BGE-small"));
        assertEquals(EncoderModel.BGE_SMALL, EncoderModel.byName("bge_small"));
        assertEquals(EncoderModel.defaultModel(), EncoderModel.byName(null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EncoderModel.byName("e5"));
        assertTrue(e.getMessage().contains("minilm, bge-small"), e.getMessage());
    }

    private static double norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }
}
