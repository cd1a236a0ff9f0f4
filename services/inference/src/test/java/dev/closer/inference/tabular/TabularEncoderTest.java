package dev.closer.inference.tabular;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.closer.inference.InferenceException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TabularEncoderTest {

    private static final FeatureSpec SPEC = new FeatureSpec("t", "v1", null, null,
            new FeatureSpec.Inputs("cat", "num"), "probability",
            List.of(new FeatureSpec.Categorical("source", List.of("google", "direct traffic"))),
            List.of(new FeatureSpec.Numeric("visits", "log1p", 3.0, 1.0, 0.5),
                    new FeatureSpec.Numeric("optOut", "identity", 0.0, 0.25, 0.5)),
            Map.of("visits", "website visits"), null, null);

    private final TabularEncoder encoder = new TabularEncoder(SPEC);

    @Test
    void shouldIndexCategoriesAfterStrippingAndLowerCasing() {
        TabularEncoder.Batch batch = encoder.encode(List.of(
                Map.of("source", "  Google "), Map.of("source", "DIRECT TRAFFIC"), Map.of("source", "Bing"),
                Map.of("source", ""), Map.of()));
        assertArrayEquals(new long[] {1, 2, 0, 0, 0}, batch.categorical());
    }

    @Test
    void shouldImputeTransformAndStandardiseNumerics() {
        Map<String, Object> missing = new HashMap<>();
        missing.put("visits", null);
        missing.put("optOut", true);
        TabularEncoder.Batch batch = encoder.encode(List.of(
                Map.of("visits", 0, "optOut", false), missing, Map.of("visits", "7", "optOut", Double.NaN),
                Map.of("visits", -4.0)));
        // visits: (log1p(max(x,0)) - 1.0) / 0.5; optOut: (x - 0.25) / 0.5
        float[] expected = {
            (float) ((Math.log1p(0) - 1.0) / 0.5), (float) ((0 - 0.25) / 0.5),
            (float) ((Math.log1p(3.0) - 1.0) / 0.5), (float) ((1 - 0.25) / 0.5),
            (float) ((Math.log1p(7.0) - 1.0) / 0.5), (float) ((0 - 0.25) / 0.5),
            (float) ((Math.log1p(0) - 1.0) / 0.5), (float) ((0 - 0.25) / 0.5)};
        assertArrayEquals(expected, batch.numeric(), 0f, () -> Arrays.toString(batch.numeric()));
        assertEquals(4, batch.rows());
    }

    @Test
    void shouldNameTheFeatureWhenANumberCannotBeParsed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> encoder.encode(List.of(Map.of("visits", "lots"))));
        assertEquals("Feature visits needs a number, got 'lots'", e.getMessage());
    }

    @Test
    void shouldRejectASpecWithAnUnknownTransformAtLoad() {
        FeatureSpec broken = new FeatureSpec("t", "v1", null, null, new FeatureSpec.Inputs("cat", "num"), "p",
                List.of(), List.of(new FeatureSpec.Numeric("x", "sqrt", 0, 0, 1)), null, null, null);
        InferenceException e = assertThrows(InferenceException.class, () -> broken.validated("test"));
        assertEquals("Invalid features.json in test: numeric feature x has unknown transform 'sqrt'"
                + " (identity or log1p);", e.getMessage());
    }
}
