package dev.closer.ingest.call;

import com.fasterxml.jackson.databind.JsonNode;
import dev.closer.ingest.data.CallTranscribedData.Utterance;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The transcript formats Closer reads besides its own {@code closer.call.transcribed} utterances (the caller says
 * which: POST /api/v1/calls by its content type and body).
 *
 * <ul>
 *   <li>WebVTT: see {@link WebVttTranscripts}.</li>
 *   <li>Segment JSON: diarised speech-to-text segments with times in <b>seconds</b>, the shape
 *       of Whisper's {@code verbose_json} with the {@code speaker} that WhisperX (and pyannote-based pipelines)
 *       add to each segment:
 *       <pre>{"segments": [{"speaker": "SPEAKER_00", "start": 0.66, "end": 7.92, "text": " Hi, Paul."}, ...]}</pre>
 *       A bare array of such segments is read too. Each segment needs {@code speaker} (a non-blank string),
 *       {@code start} and {@code end} (non-negative numbers, {@code end >= start}, rounded to whole
 *       milliseconds) and {@code text} (a string; surrounding whitespace is trimmed). Other fields
 *       ({@code id, words, tokens, avg_logprob}, ...) and other top-level fields ({@code language, text}) are
 *       ignored. Roles come from the caller's map of speaker to role, as for WebVTT.</li>
 * </ul>
 */
public final class TranscriptFormats {

    private TranscriptFormats() {
    }

    /**
     * Reads segment JSON, already parsed (see the class comment; null: nothing).
     *
     * @return the utterances in the order of the segments
     * @throws InvalidTranscriptException naming the segment's index
     */
    public static List<Utterance> parseSegments(JsonNode root, Map<String, String> roles, String defaultRole)
            throws InvalidTranscriptException {
        SpeakerRoles speakerRoles = new SpeakerRoles(roles, defaultRole);
        JsonNode segments = root == null ? null : root.isArray() ? root : root.get("segments");
        if (segments == null || !segments.isArray()) {
            throw new InvalidTranscriptException("expected {\"segments\": [...]} or an array of segments");
        }
        List<String> errors = new ArrayList<>();
        List<Utterance> out = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            JsonNode s = segments.get(i);
            String at = "segment " + i + ": ";
            if (!s.isObject()) {
                errors.add(at + "is not an object");
                continue;
            }
            int before = errors.size();
            JsonNode speaker = s.get("speaker");
            if (speaker == null || speaker.isNull()) {
                errors.add(at + "speaker is missing (segments must come from a diarised transcript)");
            } else if (!speaker.isTextual() || speaker.asText().isBlank()) {
                errors.add(at + "speaker must be a non-blank string");
            }
            Long start = millis(s.get("start"), at + "start", errors);
            Long end = millis(s.get("end"), at + "end", errors);
            if (start != null && end != null && end < start) {
                errors.add(at + "negative duration: end " + s.get("end").asText() + " s is before start "
                        + s.get("start").asText() + " s");
            }
            JsonNode text = s.get("text");
            if (text == null || !text.isTextual()) {
                errors.add(at + "text must be a string");
            }
            if (errors.size() == before) {
                String name = SpeakerRoles.normalise(speaker.asText());
                out.add(new Utterance(name, speakerRoles.roleOf(name, "segment " + i), start, end,
                        text.asText().strip()));
            }
        }
        errors.addAll(speakerRoles.unknownSpeakers());
        if (!errors.isEmpty()) {
            throw new InvalidTranscriptException(CallTranscripts.capped(errors));
        }
        return List.copyOf(out);
    }

    private static Long millis(JsonNode seconds, String field, List<String> errors) {
        if (seconds == null || seconds.isNull()) {
            errors.add(field + " is missing (seconds)");
            return null;
        }
        if (!seconds.isNumber()) {
            errors.add(field + " must be a number of seconds, not " + seconds);
            return null;
        }
        double s = seconds.asDouble();
        if (s < 0) {
            errors.add(field + " " + seconds.asText() + " s is negative");
            return null;
        }
        if (s > 1e9) {
            errors.add(field + " " + seconds.asText() + " s is too large");
            return null;
        }
        return Math.round(s * 1000);
    }
}
