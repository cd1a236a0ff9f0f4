package dev.closer.app.lead.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.closer.app.auth.Caller;
import dev.closer.app.config.CloserConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StreamTokensTest {

    private static final Caller REP = new Caller("rep-1", "rep", "east");

    private static StreamTokens tokens(Optional<String> secret, Instant now) {
        return new StreamTokens(new CloserConfig.Ui() {
            public Duration streamPollInterval() {
                return Duration.ofSeconds(1);
            }

            public Duration streamTokenTtl() {
                return Duration.ofSeconds(60);
            }

            public Optional<String> streamTokenSecret() {
                return secret;
            }
        }, Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void shouldNameTheCallerItWasIssuedToUntilItExpires() {
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        StreamTokens t = tokens(Optional.empty(), now);
        String token = t.issue(REP).token();
        assertEquals(Optional.of(REP), t.verify(token));
        t.clock = Clock.fixed(now.plusSeconds(61), ZoneOffset.UTC);
        assertTrue(t.verify(token).isEmpty(), "an expired token still opens the stream");
    }

    @Test
    void shouldRefuseForgedTamperedAndMalformedTokens() {
        Instant now = Instant.parse("2026-11-24T10:00:00Z");
        StreamTokens t = tokens(Optional.empty(), now);
        String token = t.issue(REP).token();
        String body = token.substring(0, token.indexOf('.'));
        String asAdmin = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "score-stream|rep-1|admin||9999999999999".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(t.verify(asAdmin + token.substring(token.indexOf('.'))).isEmpty(), "a changed role was accepted");
        assertTrue(t.verify(body + ".AAAA").isEmpty());
        assertTrue(t.verify(body).isEmpty());
        assertTrue(t.verify("").isEmpty());
        assertTrue(t.verify(null).isEmpty());
        assertTrue(t.verify("%%%.%%%").isEmpty());
        // another instance (another random key) does not accept it; one with the same configured secret does
        assertFalse(tokens(Optional.empty(), now).verify(token).isPresent());
        String secret = "0123456789abcdef0123456789abcdef";
        assertEquals(Optional.of(REP), tokens(Optional.of(secret), now).verify(
                tokens(Optional.of(secret), now).issue(REP).token()));
    }
}
