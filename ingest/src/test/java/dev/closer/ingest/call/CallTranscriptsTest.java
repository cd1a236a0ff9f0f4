package dev.closer.ingest.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.closer.ingest.data.CallTranscribedData.Utterance;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallTranscriptsTest {

    private static Utterance u(String speaker, String role, long startMs, long endMs, String text) {
        return new Utterance(speaker, role, startMs, endMs, text);
    }

    @Test
    void shouldRejectAnEmptyTranscript() {
        InvalidTranscriptException e = assertThrows(InvalidTranscriptException.class,
                () -> CallTranscripts.validate(List.of()));
        assertEquals(List.of("transcript is empty: a call needs at least one utterance"), e.errors());
        assertThrows(InvalidTranscriptException.class, () -> CallTranscripts.validate(null));
    }

    @Test
    void shouldNameEveryBadUtteranceByItsIndex() {
        List<Utterance> call = new ArrayList<>();
        call.add(u("Rita", "rep", 0, 1000, "Hi."));
        call.add(u("Paul", "host", 1000, 2000, "Hello."));
        call.add(u("Paul", "prospect", 5000, 4000, "Backwards."));
        call.add(u("Paul", "prospect", -10, 100, "Early."));
        call.add(u("Rita", "rep", 0, 10, null));
        call.add(u("Rita", "rep", 0, 10, "x".repeat(CallTranscripts.MAX_TEXT_CHARS + 1)));
        call.add(u(" ", "rep", 0, 10, "Who?"));
        call.add(u("Rita", "prospect", 0, 10, "Me again."));
        call.add(null);
        call.add(new Utterance("Paul", null, null, 10L, ""));
        InvalidTranscriptException e = assertThrows(InvalidTranscriptException.class,
                () -> CallTranscripts.validate(call));
        assertEquals(List.of(
                "utterance 1: unknown role \"host\" (rep, prospect or other)",
                "utterance 2: negative duration: endMs 4000 is before startMs 5000",
                "utterance 3: startMs -10 is negative",
                "utterance 4: text is missing (use \"\" for an utterance without words)",
                "utterance 5: text is 20001 characters; at most 20000 are accepted",
                "utterance 6: speaker is missing",
                "utterance 7: speaker \"Rita\" is prospect here but rep in utterance 0; one speaker keeps one role",
                "utterance 8: is null",
                "utterance 9: role is missing (rep, prospect or other)",
                "utterance 9: startMs is missing"), e.errors());
    }

    @Test
    void shouldSummariseErrorsBeyondTwenty() {
        List<Utterance> call = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            call.add(u("Rita", "boss", 0, 10, ""));
        }
        InvalidTranscriptException e = assertThrows(InvalidTranscriptException.class,
                () -> CallTranscripts.validate(call));
        assertEquals(21, e.errors().size());
        assertEquals("and 5 more error(s)", e.errors().get(20));
    }

    @Test
    void shouldAcceptOverlapsAndSortUtterancesThatArriveOutOfOrder() throws Exception {
        Utterance late = u("Paul", "prospect", 5000, 9000, "Sure.");
        Utterance early = u("Rita", "rep", 0, 6000, "Shall we start?");
        Utterance sameStartShorter = u("Paul", "prospect", 0, 2000, "Yes.");
        assertEquals(List.of(sameStartShorter, early, late),
                CallTranscripts.validate(List.of(late, early, sameStartShorter)));
    }
}
