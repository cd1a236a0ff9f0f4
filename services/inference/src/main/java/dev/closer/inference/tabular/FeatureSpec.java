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
        Map<String, String> labels) {

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
        if (!problems.isEmpty()) {
            throw new InferenceException("Invalid features.json in " + where + ":" + problems);
        }
        return this;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
