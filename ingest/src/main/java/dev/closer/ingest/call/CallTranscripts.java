package dev.closer.ingest.call;

import dev.closer.ingest.data.CallTranscribedData.Utterance;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a call's utterances before they are analysed, and puts them in time order.
 *
 * <p>Rules (the same limits as {@code closer.call.transcribed}'s constraints, so a transcript that passes here
 * also fits the event): at least one and at most {@value #MAX_UTTERANCES} utterances; each with a speaker, a
 * role of {@code rep}, {@code prospect} or {@code other}, {@code startMs} and {@code endMs} that are present and
 * not negative, {@code endMs >= startMs} (zero-length utterances are allowed), and text of at most
 * {@value #MAX_TEXT_CHARS} characters ({@code ""} is allowed, {@code null} is not). One speaker keeps one role for
 * the whole call. Overlapping utterances are allowed: they are interruptions. Utterances may arrive in any order;
 * {@link #validate} returns them sorted by start, then end, speaker, role and text, a total order, so that every
 * metric is the same whatever order the utterances came in.
 *
 * <p>Every error names the utterance by its index in the list as given.
 */
public final class CallTranscripts {

    public static final int MAX_UTTERANCES = 20_000;
    public static final int MAX_TEXT_CHARS = 20_000;
    public static final int MAX_SPEAKER_CHARS = 200;
    public static final Set<String> ROLES = Set.of("rep", "prospect", "other");
    /** Errors beyond this many are summarised, so a broken 20,000-utterance call gives a readable message. */
    static final int MAX_ERRORS = 20;

    /** Time order, then the other fields, so that the order is total. */
    public static final Comparator<Utterance> ORDER = Comparator
            .comparing(Utterance::startMs)
            .thenComparing(Utterance::endMs)
            .thenComparing(Utterance::speaker)
            .thenComparing(Utterance::role)
            .thenComparing(Utterance::text);

    private CallTranscripts() {
    }

    /**
     * Checks the utterances and returns them sorted ({@link #ORDER}).
     *
     * @throws InvalidTranscriptException naming every bad utterance by index (at most {@value #MAX_ERRORS}, then a
     *                                    count of the rest)
     */
    public static List<Utterance> validate(List<Utterance> utterances) throws InvalidTranscriptException {
        if (utterances == null || utterances.isEmpty()) {
            throw new InvalidTranscriptException("transcript is empty: a call needs at least one utterance");
        }
        if (utterances.size() > MAX_UTTERANCES) {
            throw new InvalidTranscriptException("transcript has " + utterances.size() + " utterances; at most "
                    + MAX_UTTERANCES + " are accepted");
        }
        List<String> errors = new ArrayList<>();
        Map<String, String> roleOf = new HashMap<>();
        Map<String, Integer> firstIndex = new HashMap<>();
        for (int i = 0; i < utterances.size(); i++) {
            Utterance u = utterances.get(i);
            String at = "utterance " + i + ": ";
            if (u == null) {
                errors.add(at + "is null");
                continue;
            }
            if (u.speaker() == null || u.speaker().isBlank()) {
                errors.add(at + "speaker is missing");
            } else if (u.speaker().length() > MAX_SPEAKER_CHARS) {
                errors.add(at + "speaker is longer than " + MAX_SPEAKER_CHARS + " characters");
            }
            if (u.role() == null) {
                errors.add(at + "role is missing (rep, prospect or other)");
            } else if (!ROLES.contains(u.role())) {
                errors.add(at + "unknown role \"" + u.role() + "\" (rep, prospect or other)");
            } else if (u.speaker() != null && !u.speaker().isBlank()) {
                String earlier = roleOf.putIfAbsent(u.speaker(), u.role());
                if (earlier == null) {
                    firstIndex.put(u.speaker(), i);
                } else if (!earlier.equals(u.role())) {
                    errors.add(at + "speaker \"" + u.speaker() + "\" is " + u.role() + " here but " + earlier
                            + " in utterance " + firstIndex.get(u.speaker()) + "; one speaker keeps one role");
                }
            }
            if (u.startMs() == null) {
                errors.add(at + "startMs is missing");
            } else if (u.startMs() < 0) {
                errors.add(at + "startMs " + u.startMs() + " is negative");
            }
            if (u.endMs() == null) {
                errors.add(at + "endMs is missing");
            } else if (u.endMs() < 0) {
                errors.add(at + "endMs " + u.endMs() + " is negative");
            }
            if (u.startMs() != null && u.endMs() != null && u.startMs() >= 0 && u.endMs() >= 0
                    && u.endMs() < u.startMs()) {
                errors.add(at + "negative duration: endMs " + u.endMs() + " is before startMs " + u.startMs());
            }
            if (u.text() == null) {
                errors.add(at + "text is missing (use \"\" for an utterance without words)");
            } else if (u.text().length() > MAX_TEXT_CHARS) {
                errors.add(at + "text is " + u.text().length() + " characters; at most " + MAX_TEXT_CHARS
                        + " are accepted");
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidTranscriptException(capped(errors));
        }
        List<Utterance> sorted = new ArrayList<>(utterances);
        sorted.sort(ORDER);
        return List.copyOf(sorted);
    }

    static List<String> capped(List<String> errors) {
        if (errors.size() <= MAX_ERRORS) {
            return errors;
        }
        List<String> out = new ArrayList<>(errors.subList(0, MAX_ERRORS));
        out.add("and " + (errors.size() - MAX_ERRORS) + " more error(s)");
        return out;
    }
}
