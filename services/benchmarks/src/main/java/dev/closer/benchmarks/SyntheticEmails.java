package dev.closer.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * SYNTHETIC sales-email-like texts for benchmarks: seeded, so every run and every encoder sees the same texts. Each
 * text is 5–200 words (uniform), built from a greeting and sentences of a phrase bank with filled slots, then cut to
 * its length. Not real emails: only their length and vocabulary resemble them.
 */
final class SyntheticEmails {

    private static final String[] FIRST = {"Ana", "Ben", "Chloe", "Dev", "Elif", "Femi", "Greta", "Hiro", "Ines",
        "Jon", "Kavya", "Luca", "Maya", "Nils", "Olu", "Priya"};
    private static final String[] COMPANY = {"Acme", "Northwind", "Globex", "Initech", "Umbrella Retail", "Vandelay",
        "Stark Logistics", "Wayne Health", "Hooli", "Soylent Foods", "Tyrell Energy", "Cyberdyne Labs"};
    private static final String[] TOPIC = {"forecast accuracy", "pipeline visibility", "revenue reporting",
        "data governance", "churn signals", "attribution", "board metrics", "account prioritisation",
        "CRM data quality", "self-serve analytics"};
    private static final String[] DAY = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "next week",
        "tomorrow morning", "end of the month"};
    private static final String[] GREETING = {"Hi %s,", "Hello %s,", "Hey %s,", "Good morning %s,", "%s -"};
    private static final String[] SENTENCE = {
        "I noticed {company} has been growing its sales team quickly this year.",
        "Teams like yours often tell us that {topic} takes far too much manual work.",
        "We helped {peer} cut the time spent on {topic} by {pct}% in one quarter.",
        "Would you be open to a 15 minute call on {day} to see if this is relevant?",
        "Our platform connects to your CRM in an afternoon and needs no engineering time.",
        "Can we move our call to {day}? Something came up on my side.",
        "Thanks for the demo yesterday, the team liked the dashboards a lot.",
        "We are evaluating three vendors and yours is currently the most expensive option.",
        "Could you send over the security questionnaire and your SOC 2 report?",
        "Legal has a few comments on the data processing agreement, mostly about retention.",
        "Budget for {topic} is frozen until the next fiscal year, so please check back in Q{quarter}.",
        "I'm out of office until {day} with limited access to email.",
        "Please remove me from your mailing list.",
        "Not a fit for us right now, but I will forward this to our head of operations.",
        "What would it take to get the annual plan below {price} dollars per seat?",
        "Happy to introduce you to {first} who owns {topic} at {company}.",
        "Following up on my last note in case it got buried in your inbox.",
        "Here is the case study I mentioned, with the numbers from {peer}.",
        "We signed the order form and sent it back to your team this morning.",
        "The integration with our warehouse keeps failing on the nightly sync, can someone take a look?",
        "Is {topic} a priority for {company} this quarter, or should I reach out later?",
        "I'd love to hear how you handle {topic} today and where it hurts the most.",
    };
    /** How many sign-offs the generator used to pick from (see {@link #generate}). */
    private static final int SIGN_OFFS = 5;

    private SyntheticEmails() {
    }

    /** {@code count} texts from {@code seed}: the same list for the same arguments. */
    static List<String> generate(int count, long seed) {
        Random random = new Random(seed);
        List<String> texts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int words = 5 + random.nextInt(196);
            StringBuilder text = new StringBuilder(String.format(pick(random, GREETING), pick(random, FIRST)));
            while (text.toString().split(" ").length < words + 4) {
                text.append(' ').append(fill(random, pick(random, SENTENCE)));
            }
            // A sign-off used to be appended here, never kept: the text already has words + 4 words, and the cut
            // keeps the first words. The two draws that picked it stay, so that a seed gives the same texts as
            // before (those the figures in docs/benchmarks.md were measured on).
            random.nextInt(SIGN_OFFS);
            random.nextInt(FIRST.length);
            String[] all = text.toString().split(" ");
            String cut = String.join(" ", Arrays.copyOf(all, words));
            texts.add(cut);
        }
        return texts;
    }

    private static String fill(Random random, String sentence) {
        return sentence.replace("{company}", pick(random, COMPANY))
                .replace("{peer}", pick(random, COMPANY))
                .replace("{topic}", pick(random, TOPIC))
                .replace("{day}", pick(random, DAY))
                .replace("{first}", pick(random, FIRST))
                .replace("{pct}", Integer.toString(10 + random.nextInt(60)))
                .replace("{quarter}", Integer.toString(1 + random.nextInt(4)))
                .replace("{price}", Integer.toString(20 + random.nextInt(80)));
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }
}
