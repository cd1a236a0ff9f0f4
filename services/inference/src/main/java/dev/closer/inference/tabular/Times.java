package dev.closer.inference.tabular;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;

/** The one reading of a point in time in records: an {@link Instant}, any date-time with an offset, or ISO text. */
public final class Times {

    private Times() {
    }

    /**
     * {@code value} as an instant: an Instant or OffsetDateTime as is, a number as epoch milliseconds, text as
     * ISO-8601 with an offset ({@code 2026-05-01T09:30:00Z}, {@code ...+02:00}, fractional seconds allowed).
     *
     * @throws IllegalArgumentException naming {@code field} when the value is not such a time
     */
    public static Instant instant(String field, Object value) {
        if (value instanceof Instant i) {
            return i;
        } else if (value instanceof TemporalAccessor t) {
            return Instant.from(t);
        } else if (value instanceof Number n) {
            return Instant.ofEpochMilli(n.longValue());
        }
        try {
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(String.valueOf(value).strip(), Instant::from);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " needs an ISO-8601 time with an offset, e.g. "
                    + "2026-05-01T09:30:00Z, got '" + value + "'", e);
        }
    }
}
