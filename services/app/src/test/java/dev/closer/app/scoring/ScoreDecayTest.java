package dev.closer.app.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ScoreDecayTest {

    private static final Instant NOW = Instant.parse("2026-11-24T00:00:00Z");
    private final ScoreDecay decay = new ScoreDecay(true, Duration.ofDays(14), Duration.ofDays(30));

    @Test
    void shouldKeepTheScoreWithinTheGracePeriod() {
        assertEquals(1.0, decay.multiplier(NOW.minus(Duration.ofDays(14)), NOW));
        assertEquals(1.0, decay.multiplier(NOW.plus(Duration.ofDays(1)), NOW));
    }

    @Test
    void shouldHalveTheProbabilityEveryHalfLifeAfterTheGrace() {
        assertEquals(0.5, decay.multiplier(NOW.minus(Duration.ofDays(44)), NOW), 1e-12);
        assertEquals(0.25, decay.multiplier(NOW.minus(Duration.ofDays(74)), NOW), 1e-12);
        assertEquals(Math.pow(0.5, 1.0 / 30), decay.multiplier(NOW.minus(Duration.ofDays(15)), NOW), 1e-12);
    }

    @Test
    void shouldNotDecayWhenDisabledOrTheLastActivityIsUnknown() {
        assertEquals(1.0, ScoreDecay.NONE.multiplier(NOW.minus(Duration.ofDays(400)), NOW));
        assertEquals(1.0, decay.multiplier(null, NOW));
    }

    @Test
    void shouldRefuseANonPositiveHalfLife() {
        assertThrows(IllegalArgumentException.class, () -> new ScoreDecay(true, Duration.ZERO, Duration.ZERO));
    }
}
