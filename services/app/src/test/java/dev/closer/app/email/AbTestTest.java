package dev.closer.app.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Expected values computed independently with SciPy 1.10 (Debian's python3-scipy): the Wilson interval by its formula
 * with scipy.stats.norm.ppf, the p-value with scipy.stats.chi2_contingency(correction=False), P(B > A) by
 * scipy.integrate.quad of beta(B).pdf(x) · beta(A).cdf(x), the sample size by the Fleiss formula with norm.ppf.
 */
class AbTestTest {

    @Test
    void wilsonInterval() {
        AbTest.Rate rate = AbTest.rate(30, 400, 0.95);
        assertEquals(0.075, rate.rate(), 1e-12);
        assertEquals(0.05303774392284765, rate.low(), 1e-9);
        assertEquals(0.10504770626130436, rate.high(), 1e-9);
        AbTest.Rate none = AbTest.rate(0, 50, 0.95);
        assertEquals(0.0, none.low(), 1e-9);
        assertEquals(0.07134759913335872, none.high(), 1e-9);
        assertTrue(Double.isNaN(AbTest.rate(0, 0, 0.95).rate()));
    }

    @Test
    void twoProportionTest() {
        assertEquals(0.025138881623583197, AbTest.pValue(30, 400, 50, 410), 1e-9);
        // No replies on either side, or nothing but replies: nothing tells the variants apart.
        assertEquals(1.0, AbTest.pValue(0, 100, 0, 120));
        assertEquals(1.0, AbTest.pValue(5, 5, 7, 7));
    }

    @Test
    void probabilityToBeat() {
        assertEquals(0.9872749193796916, AbTest.probabilityToBeat(30, 400, 50, 410), 1e-6);
        assertEquals(0.24942509836048307, AbTest.probabilityToBeat(12, 100, 9, 100), 1e-6);
        // Symmetry: P(B > A) + P(A > B) = 1 for continuous posteriors.
        assertEquals(1.0, AbTest.probabilityToBeat(12, 100, 9, 100) + AbTest.probabilityToBeat(9, 100, 12, 100), 1e-9);
        // Above the exact sum's limit, the normal approximation (quad gave 0.988795579930068).
        assertEquals(0.988795579930068, AbTest.probabilityToBeat(25_000, 500_000, 25_500, 500_000), 1e-3);
    }

    @Test
    void sampleSize() {
        assertEquals(681, AbTest.sampleSizePerVariant(0.075, 0.12, 0.05, 0.8));
        assertEquals(Double.POSITIVE_INFINITY, AbTest.sampleSizePerVariant(0.1, 0.1, 0.05, 0.8));
    }
}
