package dev.closer.app.email;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reply model's rule-computed features of an email, exactly as {@code ml/replyscore/derived.py} computes them in
 * training (its {@code RULES}, written into the model's {@code features.json} under {@code derived}): word and question
 * counts, the subject's words without reply prefixes, whether the body names the recipient's company, whether it
 * holds a link, and the local hour of the send and whether it falls on a weekend in the recipient's time zone.
 */
public final class ReplyFeatures {

    /** Words: maximal runs of characters other than space, \t, \n, \r, \f and \v (not Java's wider \s). */
    private static final Pattern WORD = Pattern.compile("[^ \\t\\n\\r\\f\\u000B]+");
    private static final Pattern REPLY_PREFIX = Pattern.compile(
            "^[ \\t\\n\\r\\f\\u000B]*((re|fwd|fw)[ \\t]*:[ \\t\\n\\r\\f\\u000B]*)+", Pattern.CASE_INSENSITIVE);
    /** Legal forms removed from the end of an account name (derived.py LEGAL_SUFFIXES), longest first. */
    static final List<String> LEGAL_SUFFIXES = List.of("Inc.", "Inc", "LLC", "L.L.C.", "Corp.", "Corp", "Co.", "Ltd",
                    "Ltd.", "Limited", "plc", "PLC", "GmbH", "AG", "SAS", "SA", "S.A.", "B.V.", "BV", "N.V.", "NV",
                    "S.L.", "S.p.A.", "S.r.l.", "AB", "A/S", "ApS", "Oy", "AS", "Sp. z o.o.", "Pvt. Ltd.", "Pvt Ltd",
                    "Pty Ltd", "Pty. Ltd.", "Pte. Ltd.", "Pte Ltd", "K.K.", "Ltda.", "Ltda", "S.A. de C.V.", "LLP",
                    "LP", "KG", "GmbH & Co. KG", "SE").stream().distinct()
            .sorted(Comparator.comparingInt(String::length).reversed().thenComparing(Comparator.naturalOrder()))
            .toList();
    private static final int MIN_COMPANY_CHARS = 2;

    private ReplyFeatures() {
    }

    public static int words(String text) {
        if (text == null) {
            return 0;
        }
        Matcher m = WORD.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    public static int questions(String text) {
        return text == null ? 0 : (int) text.chars().filter(ch -> ch == '?').count();
    }

    public static String stripReplyPrefix(String subject) {
        return subject == null ? "" : REPLY_PREFIX.matcher(subject).replaceFirst("");
    }

    /** The account name without a trailing legal form, or null when none or shorter than 2 characters. */
    public static String companyName(String accountName) {
        if (accountName == null) {
            return null;
        }
        String name = accountName.strip();
        String low = name.toLowerCase(Locale.ROOT);
        for (String suffix : LEGAL_SUFFIXES) {
            if (low.endsWith(" " + suffix.toLowerCase(Locale.ROOT))) {
                name = name.substring(0, name.length() - suffix.length());
                break;
            }
        }
        int end = name.length();
        while (end > 0 && (name.charAt(end - 1) == ' ' || name.charAt(end - 1) == ',')) {
            end--;
        }
        name = name.substring(0, end);
        return name.length() >= MIN_COMPANY_CHARS ? name : null;
    }

    public static int namesCompany(String body, String accountName) {
        String name = companyName(accountName);
        return name != null && (body == null ? "" : body).toLowerCase(Locale.ROOT)
                .contains(name.toLowerCase(Locale.ROOT)) ? 1 : 0;
    }

    public static int hasLink(String body) {
        String low = body == null ? "" : body.toLowerCase(Locale.ROOT);
        return low.contains("http://") || low.contains("https://") || low.contains("www.") ? 1 : 0;
    }

    /** The send's local hour ("0".."23") and ISO weekday ("1".."7") in the zone; nulls when either is unknown. */
    public static String[] localTime(OffsetDateTime sentAt, String zone) {
        if (sentAt == null || zone == null || zone.isBlank()) {
            return new String[] {null, null};
        }
        try {
            ZonedDateTime local = sentAt.atZoneSameInstant(ZoneId.of(zone.strip()));
            return new String[] {Integer.toString(local.getHour()), Integer.toString(local.getDayOfWeek().getValue())};
        } catch (DateTimeException e) {
            return new String[] {null, null};
        }
    }

    /** The record with its derived features added: what the model's encoder reads. */
    public static Map<String, Object> withDerived(Map<String, Object> record) {
        Map<String, Object> out = new HashMap<>(record);
        String subject = (String) record.get("subject");
        String body = (String) record.get("body");
        Object sent = record.get("sentAt");
        OffsetDateTime sentAt = sent instanceof OffsetDateTime t ? t : sent == null ? null
                : OffsetDateTime.parse(sent.toString());
        out.put("bodyWords", words(body));
        out.put("bodyQuestions", questions(body));
        out.put("subjectWords", words(stripReplyPrefix(subject)));
        out.put("namesCompany", namesCompany(body, (String) record.get("accountName")));
        out.put("hasLink", hasLink(body));
        putLocalTime(out, sentAt);
        return out;
    }

    /** A record (with its derived features) sent at another time: only the time features change. */
    public static Map<String, Object> atSendTime(Map<String, Object> record, OffsetDateTime sentAt) {
        Map<String, Object> out = new HashMap<>(record);
        out.put("sentAt", sentAt);
        putLocalTime(out, sentAt);
        return out;
    }

    private static void putLocalTime(Map<String, Object> record, OffsetDateTime sentAt) {
        String[] local = localTime(sentAt, (String) record.get("recipientTimezone"));
        record.put("localHour", local[0]);
        record.put("localWeekend", local[1] == null ? null : "6".equals(local[1]) || "7".equals(local[1]) ? 1 : 0);
    }
}
