package dev.closer.ingest.webhook;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.apache.commons.codec.digest.HmacAlgorithms;
import org.apache.commons.codec.digest.HmacUtils;

/**
 * Closer's webhook signature, the documented way in for any CRM or automation tool and the way Closer signs what
 * it sends out: the header {@code X-Closer-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>} where the HMAC, keyed
 * with the shared secret, covers the bytes of {@code t}, a dot, and the raw body exactly as sent.
 *
 * <pre>
 *   t=$(date +%s); sig=$( (printf '%s.' "$t"; cat body.json) | openssl dgst -sha256 -hmac "$SECRET" -hex | cut -d' ' -f2)
 *   curl -H "X-Closer-Signature: t=$t,v1=$sig" --data-binary @body.json ...
 * </pre>
 *
 * A signature is accepted when one of its {@code v1} values matches (compared in constant time) and {@code t} is
 * within the tolerance of now, either way, so a captured request cannot be replayed later.
 */
public final class CloserSignature {

    public static final String HEADER = "X-Closer-Signature";

    private CloserSignature() {
    }

    /** The header value for {@code body} sent at {@code time}. */
    public static String sign(String secret, Instant time, byte[] body) {
        long t = time.getEpochSecond();
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(mac(secret, t, body));
    }

    /**
     * Checks a header against the body.
     *
     * @throws WebhookRejection 401 when the header is missing or malformed, the timestamp is outside the
     *                          tolerance, or no signature matches
     */
    public static void verify(String secret, String header, byte[] body, Instant now, Duration tolerance) {
        if (header == null || header.isBlank()) {
            throw WebhookRejection.unauthorized("missing_signature", "No " + HEADER + " header");
        }
        Long t = null;
        java.util.List<byte[]> signatures = new java.util.ArrayList<>();
        for (String part : header.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length != 2) {
                continue;
            }
            if (kv[0].equals("t")) {
                try {
                    t = Long.parseLong(kv[1]);
                } catch (NumberFormatException e) {
                    throw WebhookRejection.unauthorized("malformed_signature", HEADER + ": t is not a number");
                }
            } else if (kv[0].equals("v1")) {
                try {
                    signatures.add(HexFormat.of().parseHex(kv[1]));
                } catch (IllegalArgumentException e) {
                    throw WebhookRejection.unauthorized("malformed_signature", HEADER + ": v1 is not hex");
                }
            }
        }
        if (t == null || signatures.isEmpty()) {
            throw WebhookRejection.unauthorized("malformed_signature",
                    HEADER + " must look like t=<unix seconds>,v1=<hex HMAC-SHA256>");
        }
        long age = now.getEpochSecond() - t;
        if (Math.abs(age) > tolerance.toSeconds()) {
            throw WebhookRejection.unauthorized("stale_timestamp", HEADER + " was made " + age + " s ago; more than "
                    + tolerance.toSeconds() + " s either way is refused (replay protection): sign each request when "
                    + "it is sent");
        }
        byte[] expected = mac(secret, t, body);
        for (byte[] candidate : signatures) {
            if (MessageDigest.isEqual(expected, candidate)) {
                return;
            }
        }
        throw WebhookRejection.unauthorized("bad_signature", HEADER + " does not match the body: sign t + \".\" + "
                + "the raw body with the source's secret (HMAC-SHA256, hex)");
    }

    private static byte[] mac(String secret, long t, byte[] body) {
        javax.crypto.Mac mac = HmacUtils.getInitializedMac(HmacAlgorithms.HMAC_SHA_256,
                secret.getBytes(StandardCharsets.UTF_8));
        mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
        return mac.doFinal(body);
    }
}
