package dev.closer.inference.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
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
            // One text per run (the default): the vector does not depend on the other texts at all.
            assertArrayEquals(encoder.embed(texts.get(i)), all[i], "text " + i);
            assertEquals(EncoderModel.MINILM.dimension(), all[i].length);
            assertEquals(1.0, TextEncoder.cosine(all[i], all[i]), 1e-6);
            double norm = 0;
            for (float v : all[i]) {
                norm += v * v;
            }
            assertEquals(1.0, norm, 1e-5, "unit length");
        }
    }

    @Test
    void shouldRestoreInputOrderWhenBatchingTextsOfMixedLengths() {
        List<String> texts = mixedLengths();
        float[][] alone = encoder.embedAll(texts);
        try (TextEncoder batching = TextEncoder.open(TextEncoderOptions.of(EncoderModel.MINILM).withBatchSize(5))) {
            float[][] batched = batching.embedAll(texts);
            for (int i = 0; i < texts.size(); i++) {
                // Batched vectors are close to, not equal to, the vectors alone (one int8 scale per run), so
                // check that row i is text i's vector: closer to it than to any other text's.
                int best = 0;
                for (int j = 1; j < texts.size(); j++) {
                    if (TextEncoder.cosine(batched[i], alone[j]) > TextEncoder.cosine(batched[i], alone[best])) {
                        best = j;
                    }
                }
                assertEquals(i, best, "row " + i);
                assertTrue(TextEncoder.cosine(batched[i], alone[i]) > 0.9);
            }
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
        assertEquals(1.0, Math.sqrt(dot(empty, empty)), 1e-5);
        assertTrue(Arrays.stream(encoder.embedAll(List.of("", "hello", ""))).allMatch(row -> row.length == 384));
    }

    @Test
    void shouldEmbedEmojiAndCharactersOutsideTheBasicPlane() {
        float[] emoji = encoder.embed("Loved it 😀🚀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢");
        assertEquals(384, emoji.length);
        assertTrue(Float.isFinite(emoji[0]));
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

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
