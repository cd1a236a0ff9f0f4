package dev.closer.app.text;

import dev.closer.inference.text.TextClassifier;

/**
 * Negative, neutral or positive, from the tone head ({@code ml/models/tone}): p = its positive probability; negative
 * at or below the head's {@code neutral.low}, positive at or above {@code neutral.high}, neutral between (the band was
 * chosen on SST-2's dev split, since SST-2 has no neutral label; see the model card).
 *
 * @param label    negative, neutral or positive
 * @param positive the head's probability that the text is positive
 */
public record Tone(String label, double positive) {

    /** The tone of each vector. */
    public static Tone[] of(TextClassifier head, float[][] vectors) {
        double low = head.spec().raw().path("neutral").path("low").asDouble(0.5);
        double high = head.spec().raw().path("neutral").path("high").asDouble(0.5);
        int positiveColumn = head.spec().labels().indexOf("positive");
        float[][] p = head.probabilities(vectors);
        Tone[] out = new Tone[p.length];
        for (int i = 0; i < p.length; i++) {
            double positive = p[i][positiveColumn];
            out[i] = new Tone(positive <= low ? "negative" : positive >= high ? "positive" : "neutral", positive);
        }
        return out;
    }
}
