package dev.closer.ingest.webhook;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The signature against vectors openssl computes, independently of the code under test. */
class CloserSignatureTest {

    private static final String SECRET = "whsec_test_0123456789abcdef";
    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    /** hex HMAC-SHA256 of t + "." + body, by openssl. */
    private String openssl(long t, byte[] body) throws IOException, InterruptedException {
        Path file = dir.resolve("signed");
        byte[] prefix = (t + ".").getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        System.arraycopy(body, 0, all, prefix.length, body.length);
        Files.write(file, all);
        Process p = new ProcessBuilder("openssl", "dgst", "-sha256", "-hmac", SECRET, "-hex", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        return out.substring(out.lastIndexOf(' ') + 1);
    }

    @Test
    void acceptsWhatOpensslSignsAndSignsAsOpensslDoes() throws Exception {
        byte[] body = "{\"id\":\"e1\",\"type\":\"closer.lead.upserted\",\"note\":\"café ✓\"}"
                .getBytes(StandardCharsets.UTF_8);
        long t = 1_790_000_000L;
        String header = "t=" + t + ",v1=" + openssl(t, body);
        assertDoesNotThrow(() -> CloserSignature.verify(SECRET, header, body, Instant.ofEpochSecond(t + 10),
                FIVE_MINUTES));
        assertEquals(header, CloserSignature.sign(SECRET, Instant.ofEpochSecond(t), body));
    }

    @Test
    void refusesAChangedBodyAStaleTimeAndNonsense() throws Exception {
        byte[] body = "[{\"id\":\"e2\"}]".getBytes(StandardCharsets.UTF_8);
        long t = 1_790_000_000L;
        String header = "t=" + t + ",v1=" + openssl(t, body);
        Instant now = Instant.ofEpochSecond(t);
        assertEquals("bad_signature", assertThrows(WebhookRejection.class, () -> CloserSignature.verify(SECRET, header,
                "[{\"id\":\"e3\"}]".getBytes(StandardCharsets.UTF_8), now, FIVE_MINUTES)).reason());
        assertEquals("bad_signature", assertThrows(WebhookRejection.class, () -> CloserSignature.verify("other",
                header, body, now, FIVE_MINUTES)).reason());
        WebhookRejection stale = assertThrows(WebhookRejection.class, () -> CloserSignature.verify(SECRET, header,
                body, now.plusSeconds(301), FIVE_MINUTES));
        assertEquals("stale_timestamp", stale.reason());
        assertEquals(401, stale.status());
        assertEquals("missing_signature", assertThrows(WebhookRejection.class,
                () -> CloserSignature.verify(SECRET, null, body, now, FIVE_MINUTES)).reason());
        assertEquals("malformed_signature", assertThrows(WebhookRejection.class,
                () -> CloserSignature.verify(SECRET, "sha256=abc", body, now, FIVE_MINUTES)).reason());
        assertEquals("malformed_signature", assertThrows(WebhookRejection.class,
                () -> CloserSignature.verify(SECRET, "t=" + t + ",v1=zz", body, now, FIVE_MINUTES)).reason());
    }

    @Test
    void acceptsAnyOfSeveralSignaturesSoSecretsCanBeRotated() throws Exception {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        long t = 1_790_000_000L;
        String header = "t=" + t + ",v1=" + "00".repeat(32) + ",v1=" + openssl(t, body);
        assertDoesNotThrow(() -> CloserSignature.verify(SECRET, header, body, Instant.ofEpochSecond(t), FIVE_MINUTES));
    }
}
