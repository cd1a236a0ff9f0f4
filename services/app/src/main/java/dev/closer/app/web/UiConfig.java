package dev.closer.app.web;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** Options of the web UI's live feed ({@code closer.ui.*}). */
@ConfigMapping(prefix = "closer.ui")
public interface UiConfig {

    /** How often the score stream looks for new rows in lead_scores while someone listens. */
    @WithDefault("1s")
    Duration streamPollInterval();

    /**
     * How long a stream token may be used to open {@code GET /api/v1/leads/scores/stream}; an open stream stays
     * open after it expires. The UI fetches a new one each time it connects.
     */
    @WithDefault("60s")
    Duration streamTokenTtl();

    /**
     * The key that signs stream tokens (at least 32 characters). Unset: a random key per instance, so a token is
     * good only on the instance that issued it; set the same value on every instance behind a load balancer
     * without sticky sessions.
     */
    Optional<String> streamTokenSecret();
}
