package dev.closer.inference.tabular;

import java.util.Locale;

/**
 * How much one feature moved a score: the model's probability with the record as it is, minus the probability
 * with that feature replaced by its baseline (unknown for a category, the training median for a number), in
 * score points (probability × 100).
 *
 * @param feature the field name, e.g. {@code websiteSeconds}
 * @param label   the phrase from features.json, e.g. "time on website"
 * @param value   the record's value, or null when it was missing
 * @param points  signed effect in score points
 * @param text    the factor in a sentence a rep reads
 */
public record Factor(String feature, String label, Object value, double points, String text) {

    static Factor of(String feature, String label, Object value, double points) {
        int rounded = (int) Math.round(points);
        String shown;
        if (value == null) {
            shown = "unknown";
        } else if (value instanceof Boolean b) {
            shown = b ? "yes" : "no";
        } else if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            shown = String.format(Locale.ROOT, "%,d", n.longValue());
        } else {
            shown = value.toString();
        }
        String effect = rounded == 0 ? (points >= 0 ? "adds under 1 point" : "takes off under 1 point")
                : rounded > 0 ? "adds " + rounded + (rounded == 1 ? " point" : " points")
                : "takes off " + -rounded + (rounded == -1 ? " point" : " points");
        String name = label.isEmpty() ? feature : Character.toUpperCase(label.charAt(0)) + label.substring(1);
        return new Factor(feature, label, value, points, name + " " + shown + " " + effect);
    }
}
