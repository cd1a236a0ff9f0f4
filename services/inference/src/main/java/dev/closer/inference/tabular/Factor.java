package dev.closer.inference.tabular;

import java.util.Locale;

/**
 * How much one feature moved a score: the model's probability with the record as it is, minus the probability
 * with that feature replaced by its baseline (unknown for a category, the training median for a number, the
 * activity left out of the timeline), in score points (probability × 100).
 *
 * @param feature the field name, e.g. {@code websiteSeconds}, or {@code activity:<token>} for a kind of activity
 * @param label   the phrase from features.json, e.g. "time on website" or "viewed the pricing page"
 * @param value   the record's value (null when missing), or for an activity how many times it happened
 * @param points  signed effect in score points
 * @param text    the factor in words a rep reads, e.g. "Viewed the pricing page 3 times, last 2 days ago"
 */
public record Factor(String feature, String label, Object value, double points, String text) {

    public Factor {
        if (label == null || label.isBlank()) {
            label = feature;
        }
    }

    static Factor of(String feature, String label, Object value, double points) {
        String name = capitalise(label == null || label.isBlank() ? feature : label);
        String text;
        if (value == null || value instanceof String s && s.isBlank()) {
            text = name + " unknown";
        } else if (value instanceof Boolean b) {
            text = name + ": " + (b ? "yes" : "no");
        } else if (value instanceof Number n) {
            text = name + ": " + (feature.endsWith("Seconds") ? duration(n.doubleValue()) : number(n.doubleValue()));
        } else {
            text = name + ": " + value.toString().strip().replace('_', ' ');
        }
        return new Factor(feature, label, value, points, text);
    }

    /** A kind of activity in the lead's timeline: "Viewed the pricing page 3 times, last 2 days ago". */
    static Factor activity(String token, String label, int count, double newestHoursAgo, double points) {
        String times = count == 1 ? "once" : count == 2 ? "twice" : count + " times";
        return new Factor("activity:" + token, label, count, points,
                capitalise(label) + " " + times + ", last " + ago(newestHoursAgo));
    }

    /** A factor computed outside the model (e.g. score decay), with its own sentence. */
    public static Factor custom(String feature, String label, Object value, double points, String text) {
        return new Factor(feature, label, value, points, text);
    }

    /** "less than an hour ago", "5 hours ago", "3 days ago". */
    public static String ago(double hours) {
        if (hours < 1) {
            return "less than an hour ago";
        } else if (hours < 48) {
            long h = Math.round(Math.floor(hours));
            return h + (h == 1 ? " hour ago" : " hours ago");
        }
        return Math.round(Math.floor(hours / 24)) + " days ago";
    }

    private static String number(double x) {
        return x == Math.rint(x) ? String.format(Locale.ROOT, "%,d", (long) x)
                : String.format(Locale.ROOT, "%,.2f", x).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static String duration(double seconds) {
        if (seconds < 90) {
            return number(Math.round(seconds)) + " s";
        } else if (seconds < 5400) {
            return number(Math.round(seconds / 60)) + " min";
        }
        return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
