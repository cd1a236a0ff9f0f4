package dev.closer.inference.tabular;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.closer.inference.InferenceOptions;
import dev.closer.inference.ModelBundle;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Score factors of the committed lead-score v0, by replacing one feature at a time with its baseline. */
class ExplainTest {

    private static TabularModel model;

    @BeforeAll
    static void open() {
        model = TabularModel.open(ModelBundle.fromDirectory(Path.of(System.getProperty("closer.models.dir",
                "../../ml/models")).resolve("lead-score/v0")), InferenceOptions.cpu());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void shouldGiveTheSameProbabilityAsPredictAndNameTheStrongestFactorsFirst() {
        Map<String, Object> engaged = Map.of("source", "Reference", "websiteSeconds", 1800.0,
                "websiteVisits", 6.0, "doNotEmail", true);
        TabularModel.Explained e = model.explain(List.of(engaged), 3).get(0);
        assertEquals(model.predict(List.of(engaged))[0], e.probability(), 0f);
        assertTrue(e.positive().size() <= 3 && e.negative().size() <= 3);
        assertTrue(e.positive().stream().anyMatch(f -> f.feature().equals("websiteSeconds")), e.toString());
        for (int i = 1; i < e.positive().size(); i++) {
            assertTrue(e.positive().get(i - 1).points() >= e.positive().get(i).points());
        }
        e.positive().forEach(f -> assertTrue(f.points() > 0));
        e.negative().forEach(f -> assertTrue(f.points() < 0));
    }

    @Test
    void shouldMeasureEachFactorAsTheChangeFromItsBaseline() {
        Map<String, Object> lead = new HashMap<>(Map.of("websiteSeconds", 1800.0));
        TabularModel.Explained e = model.explain(List.of(lead), 8).get(0);
        float baseline = model.predict(List.of(Map.of()))[0];
        Factor time = e.positive().stream().filter(f -> f.feature().equals("websiteSeconds")).findFirst()
                .orElseThrow(() -> new AssertionError(e.toString()));
        assertEquals(100.0 * (e.probability() - baseline), time.points(), 1e-4);
        assertEquals(1, e.positive().size() + e.negative().size(), "the other features are at their baseline");
        assertEquals("Time on website: 30 min", time.text());
    }

    @Test
    void shouldFindNoFactorsForALeadWhoseEveryFieldIsUnknown() {
        TabularModel.Explained e = model.explain(List.of(Map.of()), 3).get(0);
        assertTrue(e.positive().isEmpty() && e.negative().isEmpty(), e.toString());
    }
}
