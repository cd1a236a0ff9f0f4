package dev.closer.inference.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Our encoder against the peer it replaces: langchain4j's own embedding models, run by langchain4j's code on the same
 * ONNX and tokenizer files. Every text must come out with cosine ≥ 0.9999 to langchain4j's vector, whether it is
 * short, long (truncated by both), full of punctuation, non-English or emoji, and whichever of our two worker threads
 * embeds it among texts of very different lengths.
 */
class TextEncoderParityTest {

    static final double MIN_COSINE = 0.9999;

    /** Varied texts: short and long, ASCII and not. langchain4j refuses empty and whitespace-only texts. */
    static List<String> texts() {
        List<String> texts = new ArrayList<>(List.of(
                "Hi",
                "ok",
                "Thanks!",
                "Can we move our call to Thursday at 3pm?",
                "Please remove me from your mailing list.",
                "We're evaluating three vendors and yours is the most expensive; can you do better on price?",
                "Great demo yesterday 🙂 the team loved the dashboards 🚀🚀",
                "😀😀😀",
                "Re: Re: FW: Q3 renewal — pricing (v2) [CONFIDENTIAL] <john.doe@example.com> #sales @team 100% ✔",
                "Gracias por la información, lo revisaremos con el equipo la próxima semana.",
                "Vielen Dank für Ihre Nachricht. Ich bin bis Montag nicht im Büro.",
                "我们下周再讨论这个报价。",
                "Café naïve résumé — coöperate façade",
                "   leading and trailing spaces   ",
                "line one\nline two\n\n\ttabbed line",
                "a",
                "The quick brown fox jumps over the lazy dog.",
                "Unsubscribe",
                "I'm out of office until 12/01 with limited access to email. For urgent matters contact my colleague.",
                "It's not a fit for us right now, but circle back next quarter when budgets reset.",
                "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 math letters and 𐍈 gothic"));
        Random random = new Random(7);
        String[] words = {"pricing", "contract", "renewal", "meeting", "demo", "team", "budget", "quarter",
            "integration", "security", "review", "proposal", "next", "steps", "thanks", "please", "call", "the", "we",
            "would", "like", "to", "discuss", "your", "platform", "onboarding", "timeline", "legal", "approval"};
        for (int len : new int[] {60, 95, 127, 130, 300, 700}) {
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < len; w++) {
                text.append(words[random.nextInt(words.length)]).append(w % 17 == 16 ? ". " : " ");
            }
            texts.add(text.toString().trim());
        }
        return texts;
    }

    @ParameterizedTest
    @EnumSource(EncoderModel.class)
    void shouldMatchLangchain4jOnEveryText(EncoderModel model) {
        List<String> texts = texts();
        Executor sameThread = Runnable::run;
        EmbeddingModel peer = model == EncoderModel.MINILM
                ? new AllMiniLmL6V2QuantizedEmbeddingModel(sameThread)
                : new BgeSmallEnV15QuantizedEmbeddingModel(sameThread);
        List<Embedding> expected = peer.embedAll(texts.stream().map(TextSegment::from).toList()).content();
        try (TextEncoder encoder = TextEncoder.open(TextEncoderOptions.of(model).withThreads(2))) {
            float[][] actual = encoder.embedAll(texts);
            assertEquals(texts.size(), actual.length);
            double worst = 1;
            String worstText = null;
            for (int i = 0; i < texts.size(); i++) {
                float[] theirs = expected.get(i).vector();
                assertEquals(theirs.length, actual[i].length);
                double cosine = TextEncoder.cosine(theirs, actual[i]);
                if (cosine < worst) {
                    worst = cosine;
                    worstText = texts.get(i);
                }
            }
            assertTrue(worst >= MIN_COSINE, model + ": cosine " + worst + " for \"" + worstText + "\"");
        }
    }
}
