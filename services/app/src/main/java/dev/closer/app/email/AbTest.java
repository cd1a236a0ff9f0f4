package dev.closer.app.email;

import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.special.Beta;
import org.hipparchus.stat.inference.ChiSquareTest;
import org.hipparchus.stat.interval.BinomialProportion;
import org.hipparchus.stat.interval.ConfidenceInterval;

/**
 * The statistics of an email A/B test on a rate (replies per send, or positive replies per send), from Hipparchus:
 * Wilson score intervals, the two-proportion test as Pearson's chi-square test of the 2×2 table (χ² = z² of the pooled
 * two-proportion z-test, so the same p-value), the Bayesian probability that one variant's rate beats the other's
 * under uniform Beta(1, 1) priors, and the sends per variant a test of the observed difference still needs.
 */
public final class AbTest {

    /** Sends below which a variant's rate is not compared: the normal approximations behind the test need more. */
    public static final int MIN_SENT = 30;

    private static final NormalDistribution NORMAL = new NormalDistribution(0, 1);
    private static final ChiSquareTest CHI_SQUARE = new ChiSquareTest();
    /** Above this many successes the exact sum for P(B > A) gives way to the normal approximation of the posteriors. */
    private static final int EXACT_LIMIT = 20_000;

    private AbTest() {
    }

    /** A rate with its interval. */
    public record Rate(long successes, long trials, double rate, double low, double high) {
    }

    /** {@code successes} of {@code trials} with a Wilson score interval at {@code confidence} (null for no trials). */
    public static Rate rate(long successes, long trials, double confidence) {
        if (trials <= 0) {
            return new Rate(successes, trials, Double.NaN, Double.NaN, Double.NaN);
        }
        ConfidenceInterval ci = BinomialProportion.getWilsonScoreInterval(Math.toIntExact(trials),
                (double) successes / trials, confidence);
        return new Rate(successes, trials, (double) successes / trials, ci.getLowerBound(), ci.getUpperBound());
    }

    /**
     * p-value of the two-sided test that two variants have the same rate: Pearson's chi-square test of independence of
     * the 2×2 table {successes, failures} × {A, B}, without continuity correction. 1 when neither or both variants had
     * only successes (the table has an empty column: nothing to tell them apart).
     */
    public static double pValue(long successesA, long trialsA, long successesB, long trialsB) {
        long failuresA = trialsA - successesA;
        long failuresB = trialsB - successesB;
        if (successesA + successesB == 0 || failuresA + failuresB == 0) {
            return 1.0;
        }
        return CHI_SQUARE.chiSquareTest(new long[][] {{successesA, failuresA}, {successesB, failuresB}});
    }

    /**
     * P(rate of B > rate of A) given the counts, with independent Beta(1 + successes, 1 + failures) posteriors. Exact
     * (Evan Miller's closed form, "Formulas for Bayesian A/B Testing", 2015: a sum over B's successes of ratios of Beta
     * functions, in logs through Hipparchus' {@link Beta#logBeta}) while B has at most 20,000 successes; above that, the
     * normal approximation of the two posteriors, which is then within 1e-3 of it.
     */
    public static double probabilityToBeat(long successesA, long trialsA, long successesB, long trialsB) {
        double alphaA = 1 + successesA;
        double betaA = 1 + trialsA - successesA;
        double alphaB = 1 + successesB;
        double betaB = 1 + trialsB - successesB;
        if (successesB > EXACT_LIMIT) {
            double meanA = alphaA / (alphaA + betaA);
            double meanB = alphaB / (alphaB + betaB);
            double varA = alphaA * betaA / ((alphaA + betaA) * (alphaA + betaA) * (alphaA + betaA + 1));
            double varB = alphaB * betaB / ((alphaB + betaB) * (alphaB + betaB) * (alphaB + betaB + 1));
            return NORMAL.cumulativeProbability((meanB - meanA) / Math.sqrt(varA + varB));
        }
        double total = 0;
        double logBetaA = Beta.logBeta(alphaA, betaA);
        for (int i = 0; i < (int) alphaB; i++) {
            total += Math.exp(Beta.logBeta(alphaA + i, betaA + betaB) - Math.log(betaB + i)
                    - Beta.logBeta(1 + i, betaB) - logBetaA);
        }
        return Math.min(1.0, Math.max(0.0, total));
    }

    /**
     * Sends each variant needs for a two-sided test at level {@code alpha} with {@code power} to detect rates
     * {@code p1} against {@code p2} (the usual normal-approximation formula for two proportions, Fleiss 1981):
     * n = (z(1-α/2)·√(2·p̄·q̄) + z(power)·√(p1·q1 + p2·q2))² / (p1 − p2)². Infinite when the rates are equal.
     */
    public static double sampleSizePerVariant(double p1, double p2, double alpha, double power) {
        double difference = Math.abs(p1 - p2);
        if (difference == 0 || Double.isNaN(difference)) {
            return Double.POSITIVE_INFINITY;
        }
        double mean = (p1 + p2) / 2;
        double zAlpha = NORMAL.inverseCumulativeProbability(1 - alpha / 2);
        double zPower = NORMAL.inverseCumulativeProbability(power);
        double root = zAlpha * Math.sqrt(2 * mean * (1 - mean)) + zPower * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
        return Math.ceil(root * root / (difference * difference));
    }
}
