package dev.closer.app.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LeadScorerTest {

    @Test
    void shouldMapProbabilityToScoreWithinOneToNinetyNine() {
        assertEquals(1, LeadScorer.toResult(0.0, List.of(), "v0").score());
        assertEquals(1, LeadScorer.toResult(0.004, List.of(), "v0").score());
        assertEquals(42, LeadScorer.toResult(0.4249, List.of(), "v0").score());
        assertEquals(99, LeadScorer.toResult(0.999, List.of(), "v0").score());
        assertEquals(99, LeadScorer.toResult(1.0, List.of(), "v0").score());
    }

    @Test
    void shouldGradeAtTheDocumentedCuts() {
        assertEquals("A", LeadScorer.toResult(0.75, List.of(), "v0").grade());
        assertEquals("B", LeadScorer.toResult(0.7499, List.of(), "v0").grade());
        assertEquals("B", LeadScorer.toResult(0.5, List.of(), "v0").grade());
        assertEquals("C", LeadScorer.toResult(0.25, List.of(), "v0").grade());
        assertEquals("D", LeadScorer.toResult(0.2499, List.of(), "v0").grade());
    }
}
