package dev.closer.ingest.call;

import dev.closer.ingest.data.CallTranscribedData.Utterance;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a call transcript in WebVTT (W3C, "WebVTT: The Web Video Text Tracks Format"), as meeting tools export
 * them, into utterances.
 *
 * <ul>
 *   <li>The file starts with {@code WEBVTT} (a byte-order mark before it is fine), optionally followed by a space
 *       or tab and text; the header block runs to the first blank line. Blocks are separated by blank lines;
 *       {@code NOTE}, {@code STYLE} and {@code REGION} blocks are skipped.</li>
 *   <li>A cue is an optional identifier line, a timing line {@code start --> end [settings]} with times as
 *       {@code hh:mm:ss.ttt} (hours may have more than two digits) or {@code mm:ss.ttt}, and one or more lines of
 *       text, joined with spaces. Cue settings are ignored. A cue may end where it starts; one that ends before
 *       it starts is an error.</li>
 *   <li>The speaker comes from the voice tag: {@code <v Name>}, also with classes ({@code <v.loud Name>}), with or
 *       without the closing {@code </v>}. All other tags ({@code <c>, <i>, <b>, <u>, <lang>, <ruby>, <rt>},
 *       timestamps) are stripped and character references ({@code &amp;} ...) decoded. A cue without a voice tag
 *       may name its speaker Zoom-style as a {@code Name: } prefix, but only when the name is in the role map
 *       (so "Note: ..." is not taken for a speaker). A cue with no speaker, or with two different voices, is an
 *       error: split such cues one per speaker. A cue without any text is skipped.</li>
 *   <li>Roles come from the caller's map of speaker name to role (exact names, whitespace collapsed); speakers
 *       missing from it get {@code defaultRole} when one is given, and otherwise fail the parse with one error
 *       listing them all.</li>
 * </ul>
 *
 * Errors name the line ({@code line 12: ...}); all of a file's errors are reported together.
 */
public final class WebVttTranscripts {

    private static final Pattern HEADER = Pattern.compile("WEBVTT(?:[ \\t].*)?");
    private static final Pattern TIMING = Pattern.compile("(\\S+)[ \\t]+-->[ \\t]+(\\S+)(?:[ \\t].*)?");
    private static final Pattern TIME = Pattern.compile("(?:(\\d{2,}):)?([0-5]\\d):([0-5]\\d)\\.(\\d{3})");
    private static final Pattern SPEAKER_PREFIX = Pattern.compile("([^:]{1,200}):[ \\t]+(.*)", Pattern.DOTALL);
    private static final Pattern REFERENCE = Pattern.compile("&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);");
    private static final Map<String, String> NAMED = Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"",
            "apos", "'", "nbsp", " ", "lrm", "", "rlm", "");

    private WebVttTranscripts() {
    }

    /**
     * Parses; speakers missing from {@code roles} get {@code defaultRole}, or fail the parse when it is null.
     *
     * @return the utterances in file order (times in ms from the file's zero)
     */
    public static List<Utterance> parse(String vtt, Map<String, String> roles, String defaultRole)
            throws InvalidTranscriptException {
        SpeakerRoles speakerRoles = new SpeakerRoles(roles, defaultRole);
        if (vtt == null || vtt.isEmpty()) {
            throw new InvalidTranscriptException("line 1: empty file; a WebVTT file starts with WEBVTT");
        }
        String text = vtt.charAt(0) == '\uFEFF' ? vtt.substring(1) : vtt;
        String[] lines = text.split("\r\n|\r|\n", -1);
        if (!HEADER.matcher(lines[0]).matches()) {
            throw new InvalidTranscriptException("line 1: a WebVTT file starts with WEBVTT, not \""
                    + abbreviate(lines[0]) + "\"");
        }
        List<String> errors = new ArrayList<>();
        List<Utterance> out = new ArrayList<>();
        int i = 1;
        while (i < lines.length && !lines[i].isBlank()) {
            if (lines[i].contains("-->")) {
                errors.add(line(i) + "a blank line must separate the WEBVTT header from the first cue");
            }
            i++;
        }
        while (i < lines.length) {
            if (lines[i].isBlank()) {
                i++;
                continue;
            }
            int first = i;
            while (i < lines.length && !lines[i].isBlank()) {
                i++;
            }
            block(lines, first, i, speakerRoles, out, errors);
        }
        errors.addAll(speakerRoles.unknownSpeakers());
        if (!errors.isEmpty()) {
            throw new InvalidTranscriptException(CallTranscripts.capped(errors));
        }
        return List.copyOf(out);
    }

    /** One block: lines[from, to). */
    private static void block(String[] lines, int from, int to, SpeakerRoles roles, List<Utterance> out,
                              List<String> errors) {
        String head = lines[from];
        if (keyword(head, "NOTE") || keyword(head, "STYLE") || keyword(head, "REGION")) {
            return;
        }
        int timing = head.contains("-->") ? from : (from + 1 < to && lines[from + 1].contains("-->") ? from + 1 : -1);
        if (timing < 0) {
            errors.add(line(from) + "expected cue timings like \"00:01:02.345 --> 00:01:05.000\", found \""
                    + abbreviate(head) + "\"");
            return;
        }
        Matcher m = TIMING.matcher(lines[timing].strip());
        if (!m.matches()) {
            errors.add(line(timing) + "malformed cue timings \"" + abbreviate(lines[timing])
                    + "\" (expected start --> end, e.g. 00:01:02.345 --> 00:01:05.000)");
            return;
        }
        Long start = time(m.group(1));
        Long end = time(m.group(2));
        if (start == null || end == null) {
            errors.add(line(timing) + "bad cue " + (start == null ? "start" : "end") + " time \""
                    + (start == null ? m.group(1) : m.group(2)) + "\" (hh:mm:ss.ttt or mm:ss.ttt)");
            return;
        }
        if (end < start) {
            errors.add(line(timing) + "cue ends (" + m.group(2) + ") before it starts (" + m.group(1) + ")");
            return;
        }
        StringBuilder payload = new StringBuilder();
        for (int k = timing + 1; k < to; k++) {
            if (lines[k].contains("-->")) {
                errors.add(line(k) + "\"-->\" inside cue text (is a blank line missing between two cues?)");
                return;
            }
            if (payload.length() > 0) {
                payload.append('\n');
            }
            payload.append(lines[k]);
        }
        Cue cue = cueText(payload.toString());
        if (cue.error != null) {
            errors.add(line(timing) + cue.error);
            return;
        }
        String speaker = cue.voices.isEmpty() ? null : cue.voices.iterator().next();
        String words = cue.text;
        if (speaker == null) {
            if (words.isEmpty()) {
                return;
            }
            Matcher p = SPEAKER_PREFIX.matcher(words);
            if (p.matches() && roles.known(p.group(1))) {
                speaker = SpeakerRoles.normalise(p.group(1));
                words = p.group(2).strip();
            } else {
                errors.add(line(timing) + "cue has no speaker: give it a voice tag, e.g. <v Jane Doe>");
                return;
            }
        }
        String role = roles.roleOf(speaker, "line " + (timing + 1));
        out.add(new Utterance(speaker, role, start, end, words));
    }

    private record Cue(Set<String> voices, String text, String error) {
    }

    /** The cue's voices and its text without tags, references decoded and whitespace collapsed. */
    private static Cue cueText(String payload) {
        Set<String> voices = new LinkedHashSet<>();
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < payload.length()) {
            char c = payload.charAt(i);
            if (c != '<') {
                text.append(c);
                i++;
                continue;
            }
            int close = payload.indexOf('>', i);
            if (close < 0) {
                break; // an unterminated tag at the end is dropped, as WebVTT parsers do
            }
            String tag = payload.substring(i + 1, close);
            i = close + 1;
            if (tag.startsWith("v") && (tag.length() == 1 || " \t\n.".indexOf(tag.charAt(1)) >= 0)) {
                int space = indexOfWhitespace(tag);
                String name = space < 0 ? "" : SpeakerRoles.normalise(tag.substring(space));
                if (name.isEmpty()) {
                    return new Cue(voices, "", "voice tag <" + tag + "> has no speaker name");
                }
                voices.add(decode(name));
            }
            // every other tag (and </v>) is markup only: dropped
        }
        if (voices.size() > 1) {
            return new Cue(voices, "", "cue has more than one voice (" + String.join(", ", voices)
                    + "); give each speaker a cue of their own");
        }
        return new Cue(voices, decode(text.toString()).strip().replaceAll("\\s+", " "), null);
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String decode(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = REFERENCE.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String ref = m.group(1);
            String value;
            if (ref.startsWith("#x") || ref.startsWith("#X")) {
                value = codePoint(ref.substring(2), 16, m.group());
            } else if (ref.startsWith("#")) {
                value = codePoint(ref.substring(1), 10, m.group());
            } else {
                value = NAMED.getOrDefault(ref, m.group());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String codePoint(String digits, int radix, String literal) {
        try {
            int cp = Integer.parseInt(digits, radix);
            return Character.isValidCodePoint(cp) ? new String(Character.toChars(cp)) : literal;
        } catch (NumberFormatException e) {
            return literal;
        }
    }

    /** Milliseconds, or null when the text is not a WebVTT timestamp. */
    static Long time(String s) {
        Matcher m = TIME.matcher(s);
        if (!m.matches()) {
            return null;
        }
        try {
            long hours = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
            if (hours > 10_000) {
                return null;
            }
            return ((hours * 60 + Long.parseLong(m.group(2))) * 60 + Long.parseLong(m.group(3))) * 1000
                    + Long.parseLong(m.group(4));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean keyword(String line, String word) {
        return line.startsWith(word) && (line.length() == word.length()
                || line.charAt(word.length()) == ' ' || line.charAt(word.length()) == '\t');
    }

    private static String line(int index) {
        return "line " + (index + 1) + ": ";
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
