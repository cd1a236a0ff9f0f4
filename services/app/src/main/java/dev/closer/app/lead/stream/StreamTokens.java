package dev.closer.app.lead.stream;

import dev.closer.app.auth.Caller;
import dev.closer.app.config.CloserConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import org.apache.commons.codec.digest.HmacAlgorithms;
import org.apache.commons.codec.digest.HmacUtils;

/**
 * Short-lived tokens for the score stream. A browser's EventSource cannot send an Authorization header, and an
 * API key must never travel in a URL (URLs end up in access logs, proxies and browser history), so the UI trades
 * its key for a token first ({@code POST /api/v1/leads/scores/stream-token}) and opens the stream with
 * {@code ?token=}. The token is {@code base64url(purpose|userId|role|team|expiresAtMillis) "." base64url(HMAC-SHA256)}:
 * it names who asked and expires after {@code closer.ui.stream-token-ttl}; it opens nothing but the stream.
 */
@ApplicationScoped
@Startup // a stream-token-secret that is too short stops the app at start, not at the first stream
public class StreamTokens {

    static final String PURPOSE = "score-stream";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** A token and when it stops opening streams. */
    public record Token(String token, long expiresAt) {
    }

    private final CloserConfig.Ui config;
    Clock clock; // tests move it
    private final byte[] key;

    @Inject
    StreamTokens(CloserConfig config) {
        this(config.ui(), Clock.systemUTC());
    }

    StreamTokens(CloserConfig.Ui config, Clock clock) {
        this.config = config;
        this.clock = clock;
        key = config.streamTokenSecret().map(s -> {
            if (s.length() < 32) {
                throw new IllegalStateException("closer.ui.stream-token-secret must have at least 32 characters");
            }
            return s.getBytes(StandardCharsets.UTF_8);
        }).orElseGet(() -> {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            return random;
        });
    }

    public Token issue(Caller caller) {
        long expires = clock.millis() + config.streamTokenTtl().toMillis();
        String payload = String.join("|", PURPOSE, caller.userId(), caller.role(),
                caller.team() == null ? "" : caller.team(), Long.toString(expires));
        String body = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return new Token(body + "." + B64.encodeToString(sign(body)), expires);
    }

    /** The caller a token was issued to, or empty when it is malformed, forged or expired. */
    public Optional<Caller> verify(String token) {
        if (token == null) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot < 1) {
            return Optional.empty();
        }
        String body = token.substring(0, dot);
        try {
            if (!MessageDigest.isEqual(sign(body), B64D.decode(token.substring(dot + 1)))) {
                return Optional.empty();
            }
            String[] parts = new String(B64D.decode(body), StandardCharsets.UTF_8).split("\\|", -1);
            if (parts.length != 5 || !PURPOSE.equals(parts[0]) || Long.parseLong(parts[4]) < clock.millis()) {
                return Optional.empty();
            }
            return Optional.of(new Caller(parts[1], parts[2], parts[3].isEmpty() ? null : parts[3]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A new Mac per call: a javax.crypto.Mac is not thread-safe and streams open concurrently. */
    private byte[] sign(String body) {
        return new HmacUtils(HmacAlgorithms.HMAC_SHA_256, key).hmac(body);
    }
}
