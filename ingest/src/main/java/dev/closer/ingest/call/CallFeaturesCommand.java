package dev.closer.ingest.call;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.closer.ingest.data.CallTranscribedData.Utterance;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The numeric per-call features the call-win model reads, from transcripts, exactly as serving computes them
 * ({@link CallMetrics} with its default settings, plus keyword trackers). ml/callwin trains on this command's output,
 * so training and serving see the same numbers.
 *
 * <pre>
 *   closer-call-features calls.jsonl --out features.jsonl
 *   closer-call-features - --tracker 'donation=donat*,give,charity' &lt; calls.jsonl
 * </pre>
 *
 * Input: one JSON per line, {@code {"id": ..., "utterances": [{"speaker", "role", "startMs", "endMs", "text"}]}},
 * optionally with {@code "context": {...}}: CRM context of the call (e.g. {@code callType}), copied into the output
 * as it is, so a model's features are all named as this command writes them.
 * Output: one JSON per input line, in order: {@code {"id": ..., <context fields>, <feature>: number or null}}
 * ({@link #FEATURES}, then two counts per tracker); a transcript {@link CallTranscripts} rejects gives
 * {@code {"id": ..., "error": "..."}}.
 * Exit status: 0 every call measured, 1 some were rejected (the rest are written), 2 usage or unreadable input.
 */
@Command(name = "closer-call-features", mixinStandardHelpOptions = true, version = "closer-call-features 0.1",
        description = "Per-call numeric features (CallMetrics + keyword trackers) of JSONL transcripts, as JSONL.")
public final class CallFeaturesCommand implements Callable<Integer> {

    /** The metric features, in output order. Undefined values (no talk, no sample) are null. */
    public static final List<String> FEATURES = List.of(
            "durationMs", "utterances", "repUtterances", "prospectUtterances", "talkRatio",
            "longestRepMonologueMs", "longestCustomerStoryMs", "switchesPerMinute", "patienceMs",
            "repInterruptionsPerMinute", "prospectInterruptionsPerMinute", "silences", "silenceMs",
            "repQuestions", "prospectQuestions", "repWords", "prospectWords", "repWordsPerMinute",
            "prospectWordsPerMinute", "repFillersPerMinute", "prospectFillersPerMinute");

    /**
     * Default trackers for sales calls: name = terms. A term is one or more words matched case-insensitively on
     * whole words; a trailing {@code *} matches any word starting with the rest.
     */
    public static final Map<String, List<String>> DEFAULT_TRACKERS = defaults();

    private static final ObjectMapper JSON = new ObjectMapper();

    @Parameters(index = "0", paramLabel = "FILE", description = "JSONL transcripts ('-' for stdin).")
    String input;

    @Option(names = "--out", paramLabel = "FILE", description = "Write here instead of stdout.")
    Path out;

    @Option(names = "--tracker", paramLabel = "NAME=TERM,TERM", description = "A keyword tracker (repeatable); "
            + "replaces the default trackers (pricing, competitor, nextSteps). Output: NAMEMentionsRep and "
            + "NAMEMentionsProspect, the number of matches in each side's utterances.")
    List<String> trackers;

    @Option(names = "--no-trackers", description = "No tracker columns at all.")
    boolean noTrackers;

    private final PrintStream stdout;
    private final PrintStream stderr;

    public CallFeaturesCommand(PrintStream stdout, PrintStream stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new CallFeaturesCommand(System.out, System.err)).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        Map<String, List<String>> tracked;
        try {
            tracked = noTrackers ? Map.of() : trackers == null ? DEFAULT_TRACKERS : parseTrackers(trackers);
        } catch (IllegalArgumentException e) {
            stderr.println("closer-call-features: " + e.getMessage());
            return 2;
        }
        Reader reader;
        if ("-".equals(input)) {
            reader = new InputStreamReader(System.in, StandardCharsets.UTF_8);
        } else if (Files.isRegularFile(Path.of(input))) {
            reader = Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8);
        } else {
            stderr.println("closer-call-features: no such file: " + input);
            return 2;
        }
        int rejected = 0;
        try (BufferedReader in = new BufferedReader(reader);
             Writer w = out != null ? Files.newBufferedWriter(out, StandardCharsets.UTF_8)
                     : new BufferedWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode call;
                try {
                    call = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    stderr.println("closer-call-features: line " + lineNo + ": not JSON: " + e.getOriginalMessage());
                    return 2;
                }
                ObjectNode row = JSON.createObjectNode();
                row.set("id", call.path("id"));
                if (call.path("context").isObject()) {
                    call.get("context").fields().forEachRemaining(e -> row.set(e.getKey(), e.getValue()));
                }
                try {
                    features(utterances(call.path("utterances")), tracked).forEach((k, v) -> {
                        if (v == null) {
                            row.putNull(k);
                        } else if (v instanceof Integer i) {
                            row.put(k, i);
                        } else if (v instanceof Long l) {
                            row.put(k, l);
                        } else {
                            row.put(k, v.doubleValue());
                        }
                    });
                } catch (InvalidTranscriptException e) {
                    rejected++;
                    row.put("error", e.getMessage());
                    stderr.println("closer-call-features: line " + lineNo + ": " + e.getMessage());
                }
                w.write(JSON.writeValueAsString(row));
                w.write('\n');
            }
        }
        return rejected == 0 ? 0 : 1;
    }

    /** The features of one call, in output order: {@link #FEATURES}, then per tracker its rep and prospect count. */
    public static Map<String, Number> features(List<Utterance> utterances, Map<String, List<String>> trackers)
            throws InvalidTranscriptException {
        return features(CallMetrics.compute(utterances), utterances, trackers);
    }

    /**
     * The features from metrics already computed ({@link CallMetrics#compute} with its default settings, e.g. a
     * {@link CallAnalyzer.Result#metrics()}) and the same utterances in any order (the counts are sums): identical
     * to {@link #features(List, Map)} without validating and measuring the call again.
     */
    public static Map<String, Number> features(CallMetrics.Result r, List<Utterance> utterances,
                                               Map<String, List<String>> trackers) {
        int repUtterances = 0;
        int prospectUtterances = 0;
        for (Utterance u : utterances) {
            if ("rep".equals(u.role())) {
                repUtterances++;
            } else if ("prospect".equals(u.role())) {
                prospectUtterances++;
            }
        }
        Map<String, Number> f = new LinkedHashMap<>();
        f.put("durationMs", r.durationMs());
        f.put("utterances", r.utterances());
        f.put("repUtterances", repUtterances);
        f.put("prospectUtterances", prospectUtterances);
        f.put("talkRatio", r.talkRatio());
        f.put("longestRepMonologueMs", r.longestRepMonologue() == null ? null : r.longestRepMonologue().durationMs());
        f.put("longestCustomerStoryMs",
                r.longestCustomerStory() == null ? null : r.longestCustomerStory().durationMs());
        f.put("switchesPerMinute", r.switchesPerMinute());
        f.put("patienceMs", r.patienceMs());
        f.put("repInterruptionsPerMinute", perMinute(r.rep().interruptionsMade(), r.durationMs()));
        f.put("prospectInterruptionsPerMinute", perMinute(r.prospect().interruptionsMade(), r.durationMs()));
        f.put("silences", r.silences().size());
        f.put("silenceMs", r.silenceMs());
        f.put("repQuestions", r.rep().questions());
        f.put("prospectQuestions", r.prospect().questions());
        f.put("repWords", r.rep().words());
        f.put("prospectWords", r.prospect().words());
        f.put("repWordsPerMinute", r.rep().wordsPerMinute());
        f.put("prospectWordsPerMinute", r.prospect().wordsPerMinute());
        f.put("repFillersPerMinute", r.rep().fillersPerMinute());
        f.put("prospectFillersPerMinute", r.prospect().fillersPerMinute());
        for (Map.Entry<String, List<String>> t : trackers.entrySet()) {
            int rep = 0;
            int prospect = 0;
            for (Utterance u : utterances) {
                int n = matches(u.text(), t.getValue());
                if ("rep".equals(u.role())) {
                    rep += n;
                } else if ("prospect".equals(u.role())) {
                    prospect += n;
                }
            }
            f.put(t.getKey() + "MentionsRep", rep);
            f.put(t.getKey() + "MentionsProspect", prospect);
        }
        return f;
    }

    /**
     * How many times the terms occur in the text: words are runs of letters, digits and apostrophes, lower-cased
     * (Locale.ROOT); a term of n words matches n consecutive words; a word ending in {@code *} matches any word with
     * that prefix. Every starting position counts once per matching term.
     *
     * <p>Not {@link CallAnalyzer}'s tracker matcher (regex, whole phrases, first hit per utterance): these counts are
     * the call-win model's trained features, so this rule stays frozen as the model saw it whatever the trackers do.
     */
    public static int matches(String text, List<String> terms) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        List<String> words = words(text);
        int count = 0;
        for (String term : terms) {
            List<String> t = words(term.replace("*", "_STAR_"));
            if (t.isEmpty()) {
                continue;
            }
            for (int i = 0; i + t.size() <= words.size(); i++) {
                boolean all = true;
                for (int j = 0; j < t.size() && all; j++) {
                    String want = t.get(j);
                    String have = words.get(i + j);
                    all = want.endsWith("_star_") ? have.startsWith(want.substring(0, want.length() - 6))
                            : have.equals(want);
                }
                if (all) {
                    count++;
                }
            }
        }
        return count;
    }

    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        String s = text.toLowerCase(Locale.ROOT).replace('’', '\'');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetterOrDigit(c) || c == '\'' || c == '_') {
                w.append(c);
            } else if (!w.isEmpty()) {
                out.add(w.toString());
                w.setLength(0);
            }
        }
        if (!w.isEmpty()) {
            out.add(w.toString());
        }
        return out;
    }

    static Map<String, List<String>> parseTrackers(List<String> specs) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            String name = eq < 0 ? "" : spec.substring(0, eq).trim();
            if (!name.matches("[a-z][A-Za-z0-9]*")) {
                throw new IllegalArgumentException("--tracker " + spec + ": expected NAME=TERM,TERM with a "
                        + "camelCase NAME starting with a lower-case letter");
            }
            List<String> terms = new ArrayList<>();
            for (String t : spec.substring(eq + 1).split(",")) {
                if (!t.isBlank()) {
                    terms.add(t.trim());
                }
            }
            if (terms.isEmpty()) {
                throw new IllegalArgumentException("--tracker " + spec + ": no terms");
            }
            out.put(name, List.copyOf(terms));
        }
        return out;
    }

    private static List<Utterance> utterances(JsonNode list) {
        List<Utterance> out = new ArrayList<>();
        if (list.isArray()) {
            for (JsonNode u : list) {
                out.add(new Utterance(text(u, "speaker"), text(u, "role"), number(u, "startMs"),
                        number(u, "endMs"), text(u, "text")));
            }
        }
        return out;
    }

    private static String text(JsonNode u, String field) {
        JsonNode v = u.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Long number(JsonNode u, String field) {
        JsonNode v = u.get(field);
        return v == null || !v.isNumber() ? null : v.asLong();
    }

    private static Double perMinute(long count, long ms) {
        return ms == 0 ? null : count * 60_000.0 / ms;
    }

    private static Map<String, List<String>> defaults() {
        Map<String, List<String>> t = new LinkedHashMap<>();
        t.put("pricing", List.of("price*", "pricing", "cost*", "budget*", "discount*", "quote", "licen*",
                "contract*", "per seat", "expensive"));
        // Generic words, plus the SYNTHETIC demo world's competitor names (ml/simulator/vocab.py): a company
        // configures its own with --tracker.
        t.put("competitor", List.of("competitor*", "alternative*", "vendor*", "incumbent", "also looking at",
                "compare to", "compared to", "dataloom", "metricly", "quantsight", "insightforge", "tablewise",
                "pipelane"));
        t.put("nextSteps", List.of("next step*", "follow up", "schedule", "calendar invite", "pilot",
                "trial"));
        return java.util.Collections.unmodifiableMap(t);
    }
}
