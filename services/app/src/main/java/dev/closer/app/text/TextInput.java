package dev.closer.app.text;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;

/**
 * Checks on a text an endpoint reads (a draft's subject and body, a reply): the 4xx a caller gets, with what was
 * wrong, before any model sees it. Invalid UTF-8 in the request never gets this far: the JSON parser refuses it (400).
 */
public final class TextInput {

    private TextInput() {
    }

    /**
     * @param field    the field's name in messages
     * @param required whether empty or blank text is refused (400)
     * @param maxBytes most UTF-8 bytes (413 above)
     * @return the text, never null
     */
    public static String check(String field, String text, boolean required, long maxBytes) {
        if (text == null || text.isBlank()) {
            if (required) {
                throw new BadRequestException(field + " is empty: send the text to analyse");
            }
            return text == null ? "" : text;
        }
        requireSize(field, text, maxBytes);
        int control = 0;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == 0) {
                throw new BadRequestException(field + " holds binary data (a NUL character), not text");
            }
            // Control characters, and U+FFFD: what bytes that were not text became when someone decoded them.
            if (ch == '\uFFFD' || Character.isISOControl(ch) && ch != '\n' && ch != '\r' && ch != '\t') {
                control++;
            }
        }
        if (control > 0 && control * 20 > text.length()) {
            throw new BadRequestException(field + " looks binary: " + control + " of its " + text.length()
                    + " characters are control or replacement characters");
        }
        return text;
    }

    /** 413 when the texts together are more than {@code maxBytes} UTF-8 bytes. */
    public static void requireSize(String field, String text, long maxBytes) {
        // Each char is at most 3 UTF-8 bytes: only a long text needs the exact count.
        if ((long) text.length() * 3 <= maxBytes) {
            return;
        }
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > maxBytes) {
            throw new WebApplicationException(field + " is " + bytes + " bytes; at most " + maxBytes
                    + " are analysed (closer.emails.max-text-size)", Response.Status.REQUEST_ENTITY_TOO_LARGE);
        }
    }
}
