package dev.closer.ingest.call;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in trackers as the app's migration seeds them ({@code V12__call_analysis.sql}'s inserts into
 * {@code call_trackers}), read from the SQL itself, so that what reads no database (the call-analysis benchmark, the
 * semantic-threshold test) uses the shipped trackers rather than a copy of them. Only the seed's own literal shapes
 * are read: {@code ('name', 'keyword', '{a,b c}', true)} and {@code ('name', 'semantic', '{"…","…"}', 0.70, true)}.
 */
public final class SeededTrackers {

    /** The migration, relative to the repository root. */
    public static final String MIGRATION = "services/app/src/main/resources/db/migration/V12__call_analysis.sql";

    private static final Pattern KEYWORD = Pattern.compile("\\('([a-z ]+)', 'keyword', '\\{(.*?)\\}', true\\)");
    private static final Pattern SEMANTIC =
            Pattern.compile("\\('([a-z ]+)', 'semantic', '\\{(.*?)\\}', ([0-9.]+), true\\)");

    private SeededTrackers() {
    }

    /** Keyword trackers first, then semantic ones, each in seed order (ids 0). */
    public static List<CallAnalyzer.Tracker> parse(String sql) {
        List<CallAnalyzer.Tracker> out = new ArrayList<>();
        Matcher k = KEYWORD.matcher(sql);
        while (k.find()) {
            out.add(new CallAnalyzer.Tracker(0, k.group(1), CallAnalyzer.Tracker.KEYWORD,
                    Arrays.stream(k.group(2).split(",")).map(String::strip).toList(), List.of(), 1));
        }
        Matcher s = SEMANTIC.matcher(sql);
        while (s.find()) {
            out.add(new CallAnalyzer.Tracker(0, s.group(1), CallAnalyzer.Tracker.SEMANTIC, List.of(),
                    Arrays.stream(s.group(2).split("\",\"")).map(e -> e.replace("\"", "")).toList(),
                    Double.parseDouble(s.group(3))));
        }
        return List.copyOf(out);
    }
}
