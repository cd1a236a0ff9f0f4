package dev.closer.ingest.call;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CallTextTest {

    private static CallText.Counts of(String text) {
        return CallText.analyse(text);
    }

    @Test
    void shouldCountWordsAsTokensWithALetterOrDigit() {
        assertEquals(0, of("").words());
        assertEquals(0, of("   ").words());
        assertEquals(0, of(null).words());
        assertEquals(7, of("I'm sending the follow-up in 2026 - ... ok").words());
        assertEquals(3, of("Um, well, okay.").words());
    }

    @Test
    void shouldCountSentencesThatEndInAQuestionMark() {
        assertEquals(0, of("What we need is a forecast.").questions());
        assertEquals(0, of("what do you think").questions());
        assertEquals(1, of("Why?!").questions());
        assertEquals(2, of("Who owns it? And when does it renew?").questions());
        assertEquals(1, of("He asked \"why?\" and left.").questions());
        assertEquals(1, of("Really...?").questions());
        assertEquals(0, of("See example.com/page?id=3 for details.").questions());
        assertEquals(1, of("本当に？").questions());
    }

    @Test
    void shouldCountHesitationsAlways() {
        CallText.Counts c = of("Um, so, uh, we, umm, erm, er, uhm... uhh");
        assertEquals(Map.of("um", 3, "uh", 2, "erm", 1, "er", 1), c.fillerWords());
        assertEquals(7, c.fillers());
        assertEquals(0, of("Mm-hmm. Uh-huh. Hmm. Umbrella. Error. Her. Hummus.").fillers());
    }

    @Test
    void shouldCountLikeOnlyWhenSetOffAsAFiller() {
        assertEquals(1, of("Like, we tried that.").fillers());
        assertEquals(1, of("It just, like, broke.").fillers());
        assertEquals(1, of("Sure. Like, anytime.").fillers());
        assertEquals(0, of("I like it.").fillers());
        assertEquals(0, of("Things like dashboards, like reports.").fillers());
        // The limit of the rule: a filler 'like' without a comma before it is missed.
        assertEquals(0, of("It's like, huge.").fillers());
    }

    @Test
    void shouldCountYouKnowAndIMeanOnlyAsDiscourseMarkers() {
        assertEquals(1, of("You know, it depends.").fillers());
        assertEquals(1, of("It depends, you know.").fillers());
        assertEquals(0, of("Do you know the price?").fillers());
        assertEquals(0, of("You know what we need.").fillers());
        assertEquals(1, of("I mean, it works.").fillers());
        assertEquals(0, of("I mean it.").fillers());
        assertEquals(0, of("What I mean is simple.").fillers());
    }

    @Test
    void shouldCountSortOfAndKindOfAsHedgesButNotAsNounPhrases() {
        assertEquals(Map.of("kind of", 1), of("It's kind of slow.").fillerWords());
        assertEquals(Map.of("sort of", 1), of("Sort of.").fillerWords());
        assertEquals(0, of("What kind of tool is it?").fillers());
        assertEquals(0, of("That sort of thing happens.").fillers());
        assertEquals(Map.of("kinda", 1), of("It's kinda slow.").fillerWords());
        assertEquals(0, of("What kinda tool?").fillers());
    }
}
