package dev.closer.ingest.call;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What {@link CallMetrics} reads from an utterance's text: words, questions and filler words. Plain rules on the
 * transcript's words and punctuation, no language model; docs/call-metrics.md gives them with their limits.
 *
 * <ul>
 *   <li><b>Word</b>: a whitespace-separated token with at least one letter or digit ({@code follow-up},
 *       {@code I'm} and {@code 2026} are one word each; a lone {@code -} or {@code ...} is none). Fillers are
 *       words too.</li>
 *   <li><b>Question</b>: a sentence that ends in {@code ?}: a run of sentence-final punctuation ({@code . ! ? …})
 *       holding a {@code ?} (also the full-width {@code ？}) and followed by a space, a closing quote or bracket,
 *       or the end of the text. {@code "Why?!"} is one question; the {@code ?} inside {@code a.com/x?y=1} is none.
 *       Question words without a question mark ({@code "what do you think"}) are not counted: transcripts
 *       from speech recognition punctuate questions, and "what", "how" and "who" open statements just as often.
 *       A transcript without punctuation therefore reports no questions.</li>
 *   <li><b>Filler</b> (case-insensitive): always {@code um, umm, uh, uhh, uhm, er, erm}; {@code like} only when
 *       set off as a filler: it opens a sentence or follows a comma (or {@code ; :} or a dash) and is followed by
 *       a comma or dash ({@code "Like, we..."}, {@code "it, like, broke"}), never {@code "I like it"} or
 *       {@code "it's like, huge"}; {@code you know} and {@code I mean} when followed by a comma, or
 *       {@code you know} after a comma at the end of a statement ({@code ", you know."}); {@code sort of},
 *       {@code kind of}, {@code sorta}, {@code kinda} unless a determiner or question word comes before them
 *       ({@code "what kind of tool"}, {@code "this sort of thing"} are not fillers, {@code "it's kind of slow"}
 *       is). Backchannels ({@code mm-hmm, uh-huh, hmm}) are not fillers.</li>
 * </ul>
 */
public final class CallText {

    /**
     * Counts in one piece of text; {@code fillerWords} maps each filler's canonical form (um, uh, er, erm, like,
     * you know, i mean, sort of, kind of, sorta, kinda) to its count.
     */
    public record Counts(int words, int questions, int fillers, Map<String, Integer> fillerWords) {
        public static final Counts NONE = new Counts(0, 0, 0, Map.of());
    }

    private static final Pattern HESITATION = Pattern.compile("u+h*m+|u+h+|er|e+r+m+");
    private static final Set<String> BEFORE_KIND_OF = Set.of("a", "an", "the", "this", "that", "these", "those",
            "what", "which", "whatever", "whichever", "any", "some", "every", "each", "no", "one", "same", "other",
            "another", "different", "all", "my", "your", "his", "her", "its", "our", "their", "particular", "right",
            "wrong", "new", "first", "only", "certain", "similar", "many", "several", "two", "both");
    private static final String SENTENCE_END = ".!?…？";
    private static final String CLOSERS = "\"')]}»”’";

    private CallText() {
    }

    public static Counts analyse(String text) {
        if (text == null || text.isBlank()) {
            return Counts.NONE;
        }
        List<Token> tokens = tokens(text);
        int words = 0;
        for (Token t : tokens) {
            if (t.isWord) {
                words++;
            }
        }
        Map<String, Integer> fillers = fillers(tokens);
        int total = 0;
        for (int n : fillers.values()) {
            total += n;
        }
        return new Counts(words, questions(text), total, Collections.unmodifiableMap(fillers));
    }

    static int questions(String text) {
        int count = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            if (SENTENCE_END.indexOf(text.charAt(i)) < 0) {
                i++;
                continue;
            }
            boolean question = false;
            while (i < n && SENTENCE_END.indexOf(text.charAt(i)) >= 0) {
                char c = text.charAt(i);
                question |= c == '?' || c == '？';
                i++;
            }
            int after = i;
            while (after < n && CLOSERS.indexOf(text.charAt(after)) >= 0) {
                after++;
            }
            boolean ends = after == n || Character.isWhitespace(text.charAt(after));
            if (question && ends) {
                count++;
            }
        }
        return count;
    }

    /** A whitespace-separated token: its lower-case core (punctuation stripped from both ends) and what follows. */
    private record Token(String core, boolean isWord, String leading, String trailing) {
    }

    private static List<Token> tokens(String text) {
        List<Token> out = new ArrayList<>();
        for (String raw : text.trim().split("\\s+")) {
            if (raw.isEmpty()) {
                continue;
            }
            int a = 0;
            int b = raw.length();
            while (a < b && !Character.isLetterOrDigit(raw.codePointAt(a))) {
                a += Character.charCount(raw.codePointAt(a));
            }
            while (b > a && !Character.isLetterOrDigit(raw.codePointBefore(b))) {
                b -= Character.charCount(raw.codePointBefore(b));
            }
            String core = raw.substring(a, b).toLowerCase(Locale.ROOT);
            out.add(new Token(core, !core.isEmpty(), raw.substring(0, a), raw.substring(b)));
        }
        return out;
    }

    private static Map<String, Integer> fillers(List<Token> tokens) {
        Map<String, Integer> found = new TreeMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (!t.isWord) {
                continue;
            }
            Token prev = i > 0 ? tokens.get(i - 1) : null;
            Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
            String core = t.core;
            if (HESITATION.matcher(core).matches()) {
                found.merge(hesitation(core), 1, Integer::sum);
            } else if (core.equals("like") && opensClause(prev, t) && setOffAfter(t.trailing)) {
                found.merge("like", 1, Integer::sum);
            } else if (core.equals("you") && next != null && next.core.equals("know") && next.leading.isEmpty()
                    && t.trailing.isEmpty()
                    && (setOffAfter(next.trailing) || (afterComma(prev, t) && endsStatement(next.trailing)))) {
                found.merge("you know", 1, Integer::sum);
                i++;
            } else if (core.equals("i") && next != null && next.core.equals("mean") && next.leading.isEmpty()
                    && t.trailing.isEmpty() && setOffAfter(next.trailing)) {
                found.merge("i mean", 1, Integer::sum);
                i++;
            } else if ((core.equals("sort") || core.equals("kind")) && next != null && next.core.equals("of")
                    && t.trailing.isEmpty() && next.leading.isEmpty() && !determined(prev, t)) {
                found.merge(core + " of", 1, Integer::sum);
                i++;
            } else if ((core.equals("sorta") || core.equals("kinda")) && !determined(prev, t)) {
                found.merge(core, 1, Integer::sum);
            }
        }
        return found;
    }

    private static String hesitation(String core) {
        if (core.startsWith("e")) {
            return core.endsWith("m") ? "erm" : "er";
        }
        return core.endsWith("m") ? "um" : "uh";
    }

    /** The token opens a sentence or clause: the first token, or after {@code , ; :}, a dash or a sentence end. */
    private static boolean opensClause(Token prev, Token t) {
        if (prev == null || containsAny(t.leading, ",;:—–-")) {
            return true;
        }
        return !prev.isWord || containsAny(prev.trailing, ",;:—–-" + SENTENCE_END);
    }

    private static boolean containsAny(String s, String chars) {
        for (int i = 0; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean afterComma(Token prev, Token t) {
        return t.leading.contains(",") || (prev != null && prev.trailing.contains(","));
    }

    private static boolean setOffAfter(String trailing) {
        return trailing.startsWith(",") || trailing.startsWith("—") || trailing.startsWith("–")
                || trailing.startsWith("-") || trailing.startsWith("…") || trailing.startsWith("...");
    }

    private static boolean endsStatement(String trailing) {
        return !trailing.isEmpty() && (trailing.charAt(0) == '.' || trailing.charAt(0) == '!'
                || trailing.charAt(0) == '…');
    }

    /** {@code kind of} after a determiner or question word is a noun phrase ("what kind of tool"), not a hedge. */
    private static boolean determined(Token prev, Token t) {
        if (prev == null || !t.leading.isEmpty() || !prev.trailing.isEmpty()) {
            return false;
        }
        return BEFORE_KIND_OF.contains(prev.core);
    }
}
