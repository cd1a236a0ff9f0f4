package dev.closer.inference.tabular;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.closer.inference.InferenceException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The contract between training ({@code ml/}) and serving: {@code features.json}. It names the model's input
 * tensors and, for each feature, how a raw field value becomes a number. See {@link TabularEncoder} for the rules.
 */
public record FeatureSpec(
        String name,
        String version,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("trained_on") String trainedOn,
        Inputs inputs,
        String output,
        List<Categorical> categorical,
        List<Numeric> numeric,
        Map<String, String> labels,
        Sequence sequence,
        Text text) {

    /** Names of the ONNX input tensors. */
    public record Inputs(String categorical, String numeric) {
    }

    /** A categorical feature: index 0 is the shared unknown/missing bucket, vocabulary[i] is index i + 1. */
    public record Categorical(String name, List<String> vocabulary) {
    }

    /**
     * A numeric feature.
     *
     * @param transform {@code identity} or {@code log1p} (applied to max(x, 0))
     * @param impute    the raw value used when the field is missing
     * @param mean      mean of the transformed training values
     * @param std       standard deviation of the transformed training values
     */
    public record Numeric(String name, String transform, double impute, double mean, double std) {
    }

    /**
     * The lead's recent activity as a second input (absent for models trained without timelines). The record holds
     * a list of activities under {@code field} ({@code type}, {@code occurredAt}, optional {@code properties}) and
     * the scoring time under {@code asOfField}. See {@link TabularEncoder} for how they become tensors.
     *
     * @param maxLength  events per row: the newest this many, left-padded
     * @param detail     per activity type, the property that refines its token ({@code page_view} → {@code page})
     * @param vocabulary tokens ({@code type} or {@code type:detail}); index 0 is padding, 1 unknown, i + 2 the i-th
     * @param labels     per token, a phrase a rep understands ("viewed the pricing page")
     */
    public record Sequence(String field, @JsonProperty("as_of_field") String asOfField, SequenceInputs inputs,
                           @JsonProperty("max_length") int maxLength, Map<String, String> detail,
                           List<String> vocabulary, SequenceTime time, Map<String, String> labels) {

        public Map<String, String> detail() {
            return detail == null ? Map.of() : detail;
        }

        public Map<String, String> labels() {
            return labels == null ? Map.of() : labels;
        }

        /** A phrase for a token; {@code "page_view:pricing"} → "page view pricing" when features.json has none. */
        public String label(String token) {
            return labels().getOrDefault(token, token.replace(':', ' ').replace('_', ' '));
        }
    }

    /** Names of the sequence's ONNX input tensors: event tokens int64 [N, L] and their times float32 [N, L]. */
    public record SequenceInputs(String tokens, String time) {
    }

    /** How an event's age becomes a number: {@code log1p_hours}, then (x − mean) / std. */
    public record SequenceTime(String transform, double mean, double std) {
    }

    /**
     * A text read through the sentence encoder as a third input (absent for models that read no text): the record's
     * fields put into {@code template} (e.g. <code>{subject}\n\n{body}</code>), embedded by {@code encoder}, fed as
     * float32 [N, dimension] to {@code input}.
     */
    public record Text(String input, String encoder, int dimension, String template) {

        /** The template with each {@code {field}} replaced by the record's value (missing: empty). */
        public String render(Map<String, ?> record) {
            StringBuilder out = new StringBuilder();
            int i = 0;
            while (i < template.length()) {
                int open = template.indexOf('{', i);
                int close = open < 0 ? -1 : template.indexOf('}', open);
                if (open < 0 || close < 0) {
                    out.append(template, i, template.length());
                    break;
                }
                out.append(template, i, open);
                Object value = record.get(template.substring(open + 1, close));
                out.append(value == null ? "" : value.toString());
                i = close + 1;
            }
            return out.toString();
        }
    }

    public boolean hasText() {
        return text != null;
    }

    public boolean hasSequence() {
        return sequence != null;
    }

    public List<Categorical> categorical() {
        return categorical == null ? List.of() : categorical;
    }

    public List<Numeric> numeric() {
        return numeric == null ? List.of() : numeric;
    }

    public Map<String, String> labels() {
        return labels == null ? Map.of() : labels;
    }

    /** A phrase a sales rep understands for the feature, e.g. "time on website"; the name when none is given. */
    public String label(String feature) {
        return labels().getOrDefault(feature, feature);
    }

    /** Checks what the encoder relies on, so a broken file fails at load and not at the first score. */
    public FeatureSpec validated(String where) {
        StringBuilder problems = new StringBuilder();
        if (isBlank(name) || isBlank(version)) {
            problems.append(" name and version are required;");
        }
        if (inputs == null || isBlank(output)) {
            problems.append(" inputs and output are required;");
        }
        if (!categorical().isEmpty() && (inputs == null || isBlank(inputs.categorical()))) {
            problems.append(" categorical features need inputs.categorical;");
        }
        if (!numeric().isEmpty() && (inputs == null || isBlank(inputs.numeric()))) {
            problems.append(" numeric features need inputs.numeric;");
        }
        Set<String> seen = new HashSet<>();
        for (Categorical c : categorical()) {
            if (isBlank(c.name()) || !seen.add(c.name())) {
                problems.append(" categorical feature name missing or repeated: ").append(c.name()).append(';');
            }
            if (c.vocabulary() == null) {
                problems.append(" categorical feature ").append(c.name()).append(" has no vocabulary;");
            }
        }
        for (Numeric n : numeric()) {
            if (isBlank(n.name()) || !seen.add(n.name())) {
                problems.append(" numeric feature name missing or repeated: ").append(n.name()).append(';');
            }
            if (!"identity".equals(n.transform()) && !"log1p".equals(n.transform())) {
                problems.append(" numeric feature ").append(n.name()).append(" has unknown transform '")
                        .append(n.transform()).append("' (identity or log1p);");
            }
            if (!(n.std() > 0) || !Double.isFinite(n.mean()) || !Double.isFinite(n.impute())) {
                problems.append(" numeric feature ").append(n.name()).append(" needs finite impute/mean and std > 0;");
            }
        }
        if (sequence != null) {
            validate(sequence, problems);
        }
        if (text != null && (isBlank(text.input()) || isBlank(text.encoder()) || text.dimension() < 1
                || isBlank(text.template()))) {
            problems.append(" text needs input, encoder, a positive dimension and a template;");
        }
        if (!problems.isEmpty()) {
            throw new InferenceException("Invalid features.json in " + where + ":" + problems);
        }
        return this;
    }

    private static void validate(Sequence s, StringBuilder problems) {
        if (isBlank(s.field()) || isBlank(s.asOfField())) {
            problems.append(" sequence needs field and as_of_field;");
        }
        if (s.inputs() == null || isBlank(s.inputs().tokens()) || isBlank(s.inputs().time())) {
            problems.append(" sequence needs inputs.tokens and inputs.time;");
        }
        if (s.maxLength() < 1) {
            problems.append(" sequence max_length must be at least 1;");
        }
        if (s.vocabulary() == null) {
            problems.append(" sequence has no vocabulary;");
        }
        if (s.time() == null || !"log1p_hours".equals(s.time().transform()) || !(s.time().std() > 0)
                || !Double.isFinite(s.time().mean())) {
            problems.append(" sequence time needs transform log1p_hours, a finite mean and std > 0;");
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
