package dev.closer.app.text;

import dev.closer.inference.text.TextClassifier;
import java.util.Arrays;

/**
 * Negative, neutral or positive, from the tone head ({@code ml/models/tone}): p = its positive probability; negative
 * at or below the head's {@code neutral.low}, positive at or above {@code neutral.high}, neutral between (the band was
 * chosen on SST-2's dev split, since SST-2 has no neutral label; see the model card).
 *
 * @param label    negative, neutral or positive
 * @param positive the head's probability that the text is positive
 */
public record Tone(String label, double positive) {

    /** The tone of each vector ({@link TextClassifier#tones}, the head's band rule). */
    public static Tone[] of(TextClassifier head, float[][] vectors) {
        return Arrays.stream(head.tones(vectors)).map(t -> new Tone(t.label(), t.positive()))
                .toArray(Tone[]::new);
    }
}
