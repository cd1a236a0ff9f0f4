package dev.closer.benchmarks;

import dev.closer.ingest.data.CallTranscribedData.Utterance;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * SYNTHETIC sales calls for benchmarks, not real transcripts: a rep and one or two prospects taking turns for about
 * an hour, utterances of 1 to 30 words built from a fixed bank of sales-call sentences (some mention pricing,
 * timelines, competitors, so trackers fire), 1–8 s long with short gaps and occasional overlaps. Deterministic for a
 * seed.
 */
final class SyntheticCalls {

    private static final String[] SENTENCES = {
            "Thanks for making the time today.", "Can you hear me okay?", "Let me share my screen.",
            "How are you handling forecasting right now?", "We mostly use spreadsheets for that, honestly.",
            "What does the price look like for a team of forty?", "That makes sense.", "Right.", "Okay, got it.",
            "Our go-live has to happen before the end of the quarter.", "Who else would be involved in the decision?",
            "My manager and someone from procurement.", "We looked at another vendor last year but it stalled.",
            "The integration with our CRM is the part I worry about.", "I can send over the security documents.",
            "Let's schedule a follow-up with your IT lead next week.", "Budget is tight this year, to be fair.",
            "How long does the rollout usually take for a company our size?", "Usually four to six weeks.",
            "The dashboards update every few minutes, so the team always sees the latest numbers.",
            "Could you walk me through how the scoring works?", "Sure, each lead gets a probability and the top factors.",
            "That is really helpful, I like that.", "I'm not sure the team would adopt another tool.",
            "What would you need to see to feel confident about this?", "A pilot with two of our reps would help.",
            "Um, let me think about that for a second.", "You know, we tried something similar and it was too slow.",
            "Is there a discount if we sign for two years?", "I will put together a proposal by Friday."};

    private SyntheticCalls() {
    }

    /** {@code count} calls of {@code utterances} utterances each. */
    static List<List<Utterance>> generate(int count, int utterances, long seed) {
        Random random = new Random(seed);
        List<List<Utterance>> calls = new ArrayList<>(count);
        for (int c = 0; c < count; c++) {
            List<Utterance> call = new ArrayList<>(utterances);
            long t = 0;
            for (int i = 0; i < utterances; i++) {
                boolean rep = i % 2 == 0;
                String speaker = rep ? "Rep " + c : random.nextInt(4) == 0 ? "Second prospect " + c : "Prospect " + c;
                int sentences = 1 + random.nextInt(3);
                StringBuilder text = new StringBuilder();
                for (int s = 0; s < sentences; s++) {
                    text.append(s == 0 ? "" : " ").append(SENTENCES[random.nextInt(SENTENCES.length)]);
                }
                long length = 1_000 + random.nextInt(7_000);
                long start = Math.max(0, t + (random.nextInt(10) == 0 ? -500 : random.nextInt(800)));
                call.add(new Utterance(speaker, rep ? "rep" : "prospect", start, start + length, text.toString()));
                t = start + length;
            }
            calls.add(List.copyOf(call));
        }
        return calls;
    }
}
