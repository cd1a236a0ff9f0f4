package dev.closer.ingest.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.closer.ingest.data.CallTranscribedData.Utterance;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebVttTranscriptsTest {

    private static final Map<String, String> ROLES = Map.of("Rita Lopez", "rep", "Paul Kim", "prospect",
            "Omar", "other");

    private static List<String> errors(String vtt) {
        return assertThrows(InvalidTranscriptException.class, () -> WebVttTranscripts.parse(vtt, ROLES, null)).errors();
    }

    @Test
    void shouldReadCuesWithVoiceTagsIdsSettingsAndMarkup() throws Exception {
        String vtt = "\uFEFFWEBVTT - call with Paul\r\n"
                + "Kind: captions\r\n"
                + "\r\n"
                + "STYLE\r\n"
                + "::cue(v[voice=\"Rita Lopez\"]) { color: teal }\r\n"
                + "\r\n"
                + "NOTE exported by the meeting tool\r\n"
                + "spans two lines\r\n"
                + "\r\n"
                + "1\r\n"
                + "00:00:01.000 --> 00:00:04.500 align:start position:10%\r\n"
                + "<v Rita Lopez>Hi Paul, thanks for joining.</v>\r\n"
                + "\r\n"
                + "intro-2\r\n"
                + "00:04.600 --> 00:09.250\r\n"
                + "<v.loud.slow   Paul   Kim>Um, we <i>rebuild</i> the forecast\r\n"
                + "every week &amp; it&#39;s <c.yellow>painful</c>.\r\n"
                + "\r\n"
                + "01:00:00.000 --> 01:00:02.000\r\n"
                + "<v Rita Lopez><00:00:01.500>How &lt;big&gt; is the team?\r\n"
                + "\r\n"
                + "00:00:10.000 --> 00:00:10.000\r\n"
                + "<v Omar></v>\r\n"
                + "\r\n"
                + "00:00:11.000 --> 00:00:12.000\r\n"
                + "\r\n";
        List<Utterance> utterances = WebVttTranscripts.parse(vtt, ROLES, null);
        assertEquals(List.of(
                new Utterance("Rita Lopez", "rep", 1000L, 4500L, "Hi Paul, thanks for joining."),
                new Utterance("Paul Kim", "prospect", 4600L, 9250L,
                        "Um, we rebuild the forecast every week & it's painful."),
                new Utterance("Rita Lopez", "rep", 3_600_000L, 3_602_000L, "How <big> is the team?"),
                new Utterance("Omar", "other", 10_000L, 10_000L, "")), utterances);
    }

    @Test
    void shouldTakeAZoomStyleSpeakerPrefixOnlyForNamesInTheRoleMap() throws Exception {
        String vtt = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nPaul Kim: Note: we use Excel.\n";
        assertEquals(List.of(new Utterance("Paul Kim", "prospect", 1000L, 2000L, "Note: we use Excel.")),
                WebVttTranscripts.parse(vtt, ROLES, null));
        assertEquals(List.of("line 3: cue has no speaker: give it a voice tag, e.g. <v Jane Doe>"),
                errors("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nNote: we use Excel.\n"));
    }

    @Test
    void shouldListEverySpeakerMissingFromTheRoleMapOrGiveThemTheDefaultRole() throws Exception {
        String vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Dana>Hello.\n\n"
                + "00:03.000 --> 00:04.000\n<v Rita Lopez>Hi.\n\n"
                + "00:05.000 --> 00:06.000\n<v Lee>Hey.\n\n"
                + "00:07.000 --> 00:08.000\n<v Dana>Again.\n";
        assertEquals(List.of("speakers not in the role map (give each a role: rep, prospect or other): "
                + "\"Dana\" (line 3), \"Lee\" (line 9)"), errors(vtt));
        List<Utterance> withDefault = WebVttTranscripts.parse(vtt, ROLES, "prospect");
        assertEquals(4, withDefault.size());
        assertEquals("prospect", withDefault.get(0).role());
        assertEquals("rep", withDefault.get(1).role());
    }

    @Test
    void shouldRejectAFileWithoutTheWebVttHeader() {
        assertEquals(List.of("line 1: a WebVTT file starts with WEBVTT, not \"1\""),
                errors("1\n00:00:01.000 --> 00:00:02.000\nHello\n"));
        assertEquals(List.of("line 1: a WebVTT file starts with WEBVTT, not \"WEBVTTX\""), errors("WEBVTTX\n"));
        assertEquals(List.of("line 1: empty file; a WebVTT file starts with WEBVTT"), errors(""));
    }

    @Test
    void shouldNameTheLineOfEveryMalformedCue() {
        String vtt = String.join("\n",
                "WEBVTT",                                   // 1
                "",                                         // 2
                "00:00:01,000 --> 00:00:02.000",            // 3  comma: SRT, not WebVTT
                "<v Rita Lopez>Hi.",                        // 4
                "",                                         // 5
                "00:00:05.000 --> 00:00:04.000",            // 6  ends before it starts
                "<v Paul Kim>Backwards.",                   // 7
                "",                                         // 8
                "cue-3",                                    // 9
                "just text, no timings",                    // 10
                "",                                         // 11
                "00:00:07.000 -> 00:00:08.000",             // 12 a short arrow
                "<v Paul Kim>Oops.",                        // 13
                "",                                         // 14
                "00:00:09.000 --> 00:00:10.000",            // 15
                "<v Rita Lopez>First.",                     // 16
                "00:00:10.000 --> 00:00:11.000",            // 17 no blank line before this cue
                "<v Paul Kim>Second.",                      // 18
                "",                                         // 19
                "00:00:12.000 --> 00:00:13.000",            // 20
                "<v Rita Lopez>Me <v Paul Kim>and me.",     // 21
                "",                                         // 22
                "00:00:14.000 --> 00:00:15.000",            // 23
                "<v.loud>Who?",                             // 24
                "",                                         // 25
                "00:00:16.000 --> 00:1:17.000",             // 26 one-digit minutes
                "<v Rita Lopez>Late.",                      // 27
                "");
        assertEquals(List.of(
                "line 3: bad cue start time \"00:00:01,000\" (hh:mm:ss.ttt or mm:ss.ttt)",
                "line 6: cue ends (00:00:04.000) before it starts (00:00:05.000)",
                "line 9: expected cue timings like \"00:01:02.345 --> 00:01:05.000\", found \"cue-3\"",
                "line 12: expected cue timings like \"00:01:02.345 --> 00:01:05.000\", found \"00:00:07.000 -> "
                        + "00:00:08.000\"",
                "line 17: \"-->\" inside cue text (is a blank line missing between two cues?)",
                "line 20: cue has more than one voice (Rita Lopez, Paul Kim); give each speaker a cue of their own",
                "line 23: voice tag <v.loud> has no speaker name",
                "line 26: bad cue end time \"00:1:17.000\" (hh:mm:ss.ttt or mm:ss.ttt)"), errors(vtt));
    }

    @Test
    void shouldRejectABadRoleMap() {
        InvalidTranscriptException e = assertThrows(InvalidTranscriptException.class,
                () -> WebVttTranscripts.parse("WEBVTT\n", Map.of("Rita", "seller"), "boss"));
        assertEquals(List.of("role map: \"Rita\" has role \"seller\" (rep, prospect or other)",
                "default role \"boss\" is not rep, prospect or other"), e.errors());
    }

    @Test
    void shouldFeedCallMetrics() throws Exception {
        String vtt = "WEBVTT\n\n00:00.000 --> 00:06.000\n<v Paul Kim>Um, what does it cost?</v>\n\n"
                + "00:06.500 --> 00:10.000\n<v Rita Lopez>It depends on seats.</v>\n";
        CallMetrics.Result r = CallMetrics.compute(WebVttTranscripts.parse(vtt, ROLES, null));
        // Rita 3500 ms, Paul 6000 ms: 3500 / 9500. Patience 6500 - 6000 = 500.
        assertEquals(3500.0 / 9500, r.talkRatio(), 1e-12);
        assertEquals(500.0, r.patienceMs(), 1e-12);
        assertEquals(1, r.prospect().questions());
        assertEquals(1, r.prospect().fillers());
    }
}
