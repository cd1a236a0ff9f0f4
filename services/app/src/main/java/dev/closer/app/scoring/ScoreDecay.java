package dev.closer.app.scoring;

import java.time.Duration;
import java.time.Instant;

/**
 * Score decay: a lead that has gone quiet is worth less than its last burst of activity suggests. After
 * {@code grace} without activity, the probability halves every {@code halfLife}:
 * <pre>p' = p × 0.5 ^ (max(0, idle − grace) / halfLife)</pre>
 * where idle is the time from the lead's last activity (or its creation, when it has none) to the scoring time.
 * The lost points are shown among the score's factors.
 */
public record ScoreDecay(boolean enabled, Duration grace, Duration halfLife) {

    public static final ScoreDecay NONE = new ScoreDecay(false, Duration.ZERO, Duration.ofDays(1));

    public ScoreDecay {
        if (halfLife.isZero() || halfLife.isNegative() || grace.isNegative()) {
            throw new IllegalArgumentException("score decay needs a positive half-life and a grace of 0 or more, got "
                    + "half-life " + halfLife + ", grace " + grace);
        }
    }

    /** The factor by which the probability is multiplied (1 when the lead is active or its last activity unknown). */
    public double multiplier(Instant lastActivity, Instant asOf) {
        if (!enabled || lastActivity == null) {
            return 1.0;
        }
        double idle = Duration.between(lastActivity, asOf).minus(grace).toMillis();
        return idle <= 0 ? 1.0 : Math.pow(0.5, idle / halfLife.toMillis());
    }
}
