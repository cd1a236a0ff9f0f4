package dev.closer.ingest.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.ingest.data.CallTranscribedData.Utterance;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TranscriptFormatsTest {

    private static final Map<String, String> ROLES = Map.of("SPEAKER_00", "rep", "SPEAKER_01", "prospect");

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<Utterance> parse(String json, Map<String, String> roles, String defaultRole)
            throws Exception {
        return TranscriptFormats.parseSegments(JSON.readTree(json), roles, defaultRole);
    }

    private static List<String> errors(String json) {
        return assertThrows(InvalidTranscriptException.class, () -> parse(json, ROLES, null)).errors();
    }

    @Test
    void shouldReadDiarisedSegmentsInSecondsAndIgnoreOtherFields() throws Exception {
        String json = """
                {"language": "en", "text": "Hi Paul. Hi.",
                 "segments": [
                   {"id": 0, "start": 0.66, "end": 7.92, "text": " Hi Paul, thanks for joining.",
                    "speaker": "SPEAKER_00", "words": [{"word": "Hi", "start": 0.66, "end": 0.9}]},
                   {"id": 1, "start": 7.5, "end": 9, "text": " Um, hi. ", "speaker": "SPEAKER_01"},
                   {"id": 2, "start": 9.0005, "end": 9.0005, "text": "", "speaker": "SPEAKER_00"}
                 ]}""";
        assertEquals(List.of(
                new Utterance("SPEAKER_00", "rep", 660L, 7920L, "Hi Paul, thanks for joining."),
                new Utterance("SPEAKER_01", "prospect", 7500L, 9000L, "Um, hi."),
                new Utterance("SPEAKER_00", "rep", 9001L, 9001L, "")),
                parse(json, ROLES, null));
        assertEquals(1, parse(
                "[{\"speaker\": \"Ann\", \"start\": 1, \"end\": 2, \"text\": \"Hello\"}]", Map.of(), "other").size());
    }

    @Test
    void shouldNameTheSegmentOfEveryError() {
        String json = """
                {"segments": [
                  {"start": 0, "end": 1, "text": "no speaker"},
                  {"speaker": "SPEAKER_00", "start": -1, "end": "2", "text": "bad times"},
                  {"speaker": "SPEAKER_00", "start": 5, "end": 4, "text": 7},
                  "not a segment",
                  {"speaker": "SPEAKER_07", "start": 1, "end": 2, "text": "unknown"}
                ]}""";
        assertEquals(List.of(
                "segment 0: speaker is missing (segments must come from a diarised transcript)",
                "segment 1: start -1 s is negative",
                "segment 1: end must be a number of seconds, not \"2\"",
                "segment 2: negative duration: end 4 s is before start 5 s",
                "segment 2: text must be a string",
                "segment 3: is not an object",
                "speakers not in the role map (give each a role: rep, prospect or other): \"SPEAKER_07\" "
                        + "(segment 4)"), errors(json));
    }

    @Test
    void shouldRefuseJsonWithoutSegments() {
        assertEquals(List.of("expected {\"segments\": [...]} or an array of segments"), errors("{\"results\": []}"));
    }
}
