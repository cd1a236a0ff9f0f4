package dev.closer.app.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LeadScorerTest {

    @Test
    void shouldMapProbabilityToScoreWithinOneToNinetyNine() {
        assertEquals(1, LeadScorer.toResult(0.0).score());
        assertEquals(1, LeadScorer.toResult(0.004).score());
        assertEquals(42, LeadScorer.toResult(0.4249).score());
        assertEquals(99, LeadScorer.toResult(0.999).score());
        assertEquals(99, LeadScorer.toResult(1.0).score());
    }

    @Test
    void shouldGradeAtTheDocumentedCuts() {
        assertEquals("A", LeadScorer.toResult(0.75).grade());
        assertEquals("B", LeadScorer.toResult(0.7499).grade());
        assertEquals("B", LeadScorer.toResult(0.5).grade());
        assertEquals("C", LeadScorer.toResult(0.25).grade());
        assertEquals("D", LeadScorer.toResult(0.2499).grade());
    }
}
