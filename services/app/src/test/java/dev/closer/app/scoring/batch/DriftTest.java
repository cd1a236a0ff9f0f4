package dev.closer.app.scoring.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.inference.tabular.FeatureSpec;
import dev.closer.inference.tabular.TabularEncoder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftTest {

    @Test
    void aValueOnAnEdgeGoesToTheBinAboveAsInNumpy() {
        double[] edges = {1.0, 2.0};
        // numpy.searchsorted([1, 2], [0, 1, 1.5, 2, 3], side="right") == [0, 1, 1, 2, 2]
        assertArrayEquals(new int[] {0, 1, 1, 2, 2},
                java.util.stream.DoubleStream.of(0, 1, 1.5, 2, 3).mapToInt(v -> Drift.bin(edges, v)).toArray());
    }

    @Test
    void psiMatchesTheFormulaWorkedByHand() {
        // shares 0.5/0.5 vs 0.25/0.75: (0.25 − 0.5)·ln(0.25/0.5) + (0.75 − 0.5)·ln(0.75/0.5) = 0.274653
        assertEquals(0.274653, Drift.psi(new long[] {50, 50}, new long[] {25, 75}), 1e-6);
        assertEquals(0.0, Drift.psi(new long[] {10, 30}, new long[] {100, 300}), 1e-12);
        assertTrue(Double.isNaN(Drift.psi(new long[] {10, 30}, new long[] {0, 0})));
    }

    @Test
    void histogramsBinAnEncodedBatchInTheReferenceBins() throws Exception {
        FeatureSpec spec = new ObjectMapper().readValue("""
                {"name":"lead-score","version":"t","inputs":{"categorical":"cat","numeric":"num"},
                 "output":"probability","categorical":[{"name":"source","vocabulary":["web","ads"]}],
                 "numeric":[{"name":"visits","transform":"identity","impute":0,"mean":0,"std":1}],
                 "labels":{}}""", FeatureSpec.class);
        JsonNode reference = new ObjectMapper().readTree("""
                {"rows":4,"categorical":{"source":[0,2,2]},
                 "numeric":{"visits":{"edges":[1.0],"counts":[2,2]}},
                 "probability":{"edges":[0.5],"counts":[2,2]}}""");
        Drift.Histograms h = new Drift.Histograms(spec, reference);
        TabularEncoder.Batch batch = new TabularEncoder(spec).encode(List.of(
                Map.of("source", "web", "visits", 0.5), Map.of("source", "fax", "visits", 1.0),
                Map.of("source", "ads", "visits", 3.0)));
        h.add(batch, new float[] {0.1f, 0.7f, 0.9f});
        assertArrayEquals(new long[] {1, 1, 1}, h.counts().get("source"));
        assertArrayEquals(new long[] {1, 2}, h.counts().get("visits"));
        assertArrayEquals(new long[] {1, 2}, h.counts().get("probability"));

        List<Drift.FeatureDrift> drift = Drift.compare(reference, h.counts(), 0.2);
        assertEquals(3, drift.size());
        Drift.FeatureDrift source = drift.stream().filter(d -> d.feature().equals("source")).findFirst().orElseThrow();
        // one unknown in three against none in training: the floored empty bin makes this an alert
        assertTrue(source.alert());
        Drift.FeatureDrift visits = drift.stream().filter(d -> d.feature().equals("visits")).findFirst().orElseThrow();
        assertFalse(visits.alert());
        assertEquals(Math.round(Drift.psi(new long[] {2, 2}, new long[] {1, 2}) * 10_000) / 10_000.0, visits.psi());
    }
}
