package dev.closer.ingest.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The nightly rescore from the command line, through Closer's REST API: start a run now and follow it with a
 * progress bar, look at a run or the list of them, the leads a run could not score, and the drift the last run
 * measured. Starting a run needs an admin key; the rest an admin or manager key.
 *
 * <pre>
 *   closer-batch start --wait        # start a run, draw its progress, print its summary
 *   closer-batch status              # the newest run (or: status 3)
 *   closer-batch list
 *   closer-batch watch 3
 *   closer-batch failures 3
 *   closer-batch drift
 * </pre>
 *
 * Exit status: 0 done; 1 the API refused (the problem's detail is printed), or the run followed had leads it could
 * not score or was cancelled; 2 usage.
 */
@Command(name = "closer-batch", mixinStandardHelpOptions = true, version = "closer-batch 0.1",
        scope = CommandLine.ScopeType.INHERIT,
        description = "Start, follow and inspect Closer's nightly rescore of every open lead through its REST API.",
        subcommands = {BatchCommand.Start.class, BatchCommand.Status.class, BatchCommand.ListRuns.class,
                BatchCommand.Watch.class, BatchCommand.Failures.class, BatchCommand.Drift.class,
                BatchCommand.Cancel.class})
public final class BatchCommand extends ApiCommand {

    static final String RUNS = "/api/v1/batch/runs";
    private static final Pattern RUN_IN_LOCATION = Pattern.compile("/runs/(\\d+)/?$");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final int BAR_WIDTH = 20;
    /** Without a terminal, a progress line at most this often (and the last one). */
    private static final long PLAIN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Where the progress bar redraws itself in place; null when output is not a terminal (plain lines then). */
    Supplier<ProgressBarConsumer> terminal;

    public BatchCommand(PrintStream out, PrintStream err) {
        super("closer-batch", out, err);
        this.terminal = () -> System.console() == null ? null : new ConsoleProgressBarConsumer(out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BatchCommand(System.out, System.err)).execute(args));
    }

    /** How to follow a run: how often to look, and whether to draw a bar. */
    static final class FollowOptions {
        @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "1",
                description = "Seconds between two looks at the run (default: ${DEFAULT-VALUE}).")
        double interval;

        @Option(names = "--no-progress", description = "Plain progress lines, no bar (they are plain anyway when "
                + "output is not a terminal).")
        boolean noProgress;
    }

    // ----------------------------------------------------------------------------------------- subcommands

    /** A subcommand, with its parent's options, streams and client. */
    abstract static class Subcommand implements Callable<Integer> {
        @ParentCommand
        BatchCommand cli;
    }

    @Command(name = "start", description = "Start a rescore of every open lead now (admin key). When a run is "
            + "running already, says so (exit 1), or with --wait follows that run.")
    static final class Start extends Subcommand {
        @Option(names = "--wait", description = "Follow the run to its end, then print its summary (exit 1 when "
                + "leads could not be scored).")
        boolean wait;

        @Mixin
        FollowOptions follow;

        @Override
        public Integer call() throws Exception {
            if (wait && !cli.validInterval(follow)) {
                return 2;
            }
            ApiClient.Answer answer = cli.client().exchange("POST", RUNS, null, null);
            if (answer == null) {
                return 1;
            }
            if (!answer.ok()) {
                cli.client().printProblem(answer);
                Long running = answer.status() == 409 ? runningRun(answer) : null;
                if (running == null) {
                    return 1;
                }
                if (!wait) {
                    cli.note("closer-batch watch %d follows it.", running);
                    return 1;
                }
                cli.note("Following run %d, which was running already.", running);
                return cli.follow(running, null, follow);
            }
            JsonNode run = answer.body();
            if (cli.json && !wait) {
                cli.out.println(answer.text());
            }
            cli.note("Run %d started: %,d open leads", run.path("id").asLong(), run.path("total").asLong());
            return wait ? cli.follow(run.path("id").asLong(), run, follow) : 0;
        }

        /** The run that is running, from the 409's Location header (the API always sends it). */
        static Long runningRun(ApiClient.Answer conflict) {
            Matcher location = RUN_IN_LOCATION.matcher(conflict.location() == null ? "" : conflict.location());
            return location.find() ? Long.parseLong(location.group(1)) : null;
        }
    }

    @Command(name = "status", description = "One run (default: the newest): its progress, or its summary once it "
            + "has finished.")
    static final class Status extends Subcommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ID", description = "The run (default: the newest).")
        Long id;

        @Override
        public Integer call() throws Exception {
            JsonNode run;
            if (id != null) {
                run = cli.client().get(RUNS + "/" + id);
            } else {
                JsonNode newest = cli.client().get(RUNS + "?limit=1");
                if (newest != null && newest.isEmpty()) {
                    cli.note("No batch run yet: closer-batch start runs one.");
                    return 0;
                }
                run = newest == null ? null : newest.get(0);
            }
            if (run == null) {
                return 1;
            }
            if (cli.json) {
                cli.out.println(run);
                return 0;
            }
            cli.out.printf("Run %d: %s, started %s by %s (%s%s)%n", run.path("id").asLong(),
                    run.path("status").asText(), time(run.path("createdAt")), run.path("requestedBy").asText(),
                    run.path("trigger").asText(), run.path("night").isTextual()
                            ? ", night " + run.path("night").asText() : "");
            if (running(run)) {
                cli.out.println(bar(run));
            } else {
                cli.printSummary(run);
            }
            return 0;
        }
    }

    @Command(name = "list", description = "The runs, newest first, with their progress.")
    static final class ListRuns extends Subcommand {
        @Option(names = "--limit", defaultValue = "20", description = "Runs to show (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() throws Exception {
            return cli.show(cli.client().send("GET", RUNS + "?limit=" + limit, null, null), runs -> {
                String format = "%-6s %-9s %-9s %17s %8s %7s  %-19s  %s%n";
                cli.out.printf(format, "ID", "TRIGGER", "STATUS", "DONE/TOTAL", "CHANGED", "FAILED", "STARTED",
                        "FINISHED");
                for (JsonNode r : runs) {
                    cli.out.printf(format, r.path("id").asText(), r.path("trigger").asText(),
                            r.path("status").asText(), String.format("%,d/%,d", r.path("done").asLong(),
                                    r.path("total").asLong()), String.format("%,d", r.path("changed").asLong()),
                            String.format("%,d", r.path("failed").asLong()), time(r.path("createdAt")),
                            time(r.path("finishedAt")));
                }
            });
        }
    }

    @Command(name = "watch", description = "Follow a run with a progress bar until it ends, then print its summary "
            + "(exit 1 when leads could not be scored).")
    static final class Watch extends Subcommand {
        @Parameters(index = "0", paramLabel = "ID")
        long id;

        @Mixin
        FollowOptions follow;

        @Override
        public Integer call() throws Exception {
            return cli.validInterval(follow) ? cli.follow(id, null, follow) : 2;
        }
    }

    @Command(name = "cancel", description = "Cancel a running run (admin key): no more of its chunks are claimed.")
    static final class Cancel extends Subcommand {
        @Parameters(index = "0", paramLabel = "ID")
        long id;

        @Override
        public Integer call() throws Exception {
            return cli.show(cli.client().send("POST", RUNS + "/" + id + "/cancel", null, null),
                    run -> cli.note("Run %d cancelled after %,d of %,d leads.", id, run.path("done").asLong(),
                            run.path("total").asLong()));
        }
    }

    @Command(name = "failures", description = "The leads a run could not score, and why.")
    static final class Failures extends Subcommand {
        @Parameters(index = "0", paramLabel = "ID")
        long id;

        @Option(names = "--limit", defaultValue = "100", description = "Leads to show (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() throws Exception {
            return cli.show(cli.client().send("GET", RUNS + "/" + id + "/failures?limit=" + limit, null, null),
                    this::print);
        }

        private void print(JsonNode failures) {
            if (failures.isEmpty()) {
                cli.out.printf("Run %d scored every lead it tried.%n", id);
                return;
            }
            int width = 4;
            for (JsonNode f : failures) {
                width = Math.max(width, f.path("leadId").asText().length());
            }
            String format = "%-" + width + "s  %-19s  %s%n";
            cli.out.printf(format, "LEAD", "AT", "REASON");
            for (JsonNode f : failures) {
                cli.out.printf(format, f.path("leadId").asText(), time(f.path("at")), f.path("reason").asText());
            }
            if (failures.size() >= limit) {
                cli.out.printf("(the first %d; --limit shows more)%n", limit);
            }
        }
    }

    @Command(name = "drift", description = "Drift of the served model's inputs and score against its training data, "
            + "as the last finished run measured it: PSI per feature, largest first.")
    static final class Drift extends Subcommand {
        @Override
        public Integer call() throws Exception {
            return cli.show(cli.client().send("GET", "/api/v1/batch/drift", null, null), this::print);
        }

        private void print(JsonNode drift) {
            PrintStream out = cli.out;
            out.printf("Drift of model %s, measured by run %d at %s: %s%n", drift.path("modelVersion").asText("-"),
                    drift.path("runId").asLong(), time(drift.path("measuredAt")), alert(drift));
            if (!drift.path("available").asBoolean()) {
                return;
            }
            JsonNode reference = drift.path("reference");
            out.printf("Reference: %,d rows, trained on %s%s%n", reference.path("rows").asLong(),
                    reference.path("trainedOn").asText("-"),
                    reference.path("synthetic").asBoolean() ? ", synthetic data" : "");
            int width = 7;
            for (JsonNode f : drift.path("features")) {
                width = Math.max(width, f.path("feature").asText().length());
            }
            String format = "%-" + width + "s  %8s  %s%n";
            out.printf(format, "FEATURE", "PSI", "ALERT");
            for (JsonNode f : drift.path("features")) {
                out.printf(format, f.path("feature").asText(), String.format("%.4f", f.path("psi").asDouble()),
                        f.path("alert").asBoolean() ? "yes" : "-");
            }
        }
    }

    // --------------------------------------------------------------------------------------------- helpers

    /** A line for people on standard output; nothing with --json, which prints only the API's answers. */
    private void note(String format, Object... args) {
        if (!json) {
            out.printf(format + "%n", args);
        }
    }

    private boolean validInterval(FollowOptions follow) {
        if (follow.interval > 0 && follow.interval <= 3600) {
            return true;
        }
        err.println("closer-batch: --interval must be more than 0 and at most 3600 seconds");
        return false;
    }

    /**
     * Looks at run {@code id} every --interval seconds, drawing its progress, until it is no longer running; then
     * prints its summary (with --json: the run as the API last answered it).
     *
     * @param run the run as already known, or null
     * @return 0 when it finished and scored every lead, 1 when leads failed, it was cancelled or the API refused
     */
    int follow(long id, JsonNode run, FollowOptions follow) throws IOException, InterruptedException {
        Progress progress = new Progress(json ? null : out, follow.noProgress ? null : terminal.get());
        try {
            while (true) {
                if (run == null) {
                    run = client().get(RUNS + "/" + id);
                    if (run == null) {
                        return 1;
                    }
                }
                progress.show(run);
                if (!running(run)) {
                    break;
                }
                TimeUnit.MILLISECONDS.sleep(Math.max(1, Math.round(follow.interval * 1000)));
                run = null;
            }
        } finally {
            progress.close();
        }
        if (json) {
            out.println(run);
        } else {
            printSummary(run);
        }
        long failed = run.path("failed").asLong();
        if (!"finished".equals(run.path("status").asText())) {
            err.printf("closer-batch: run %d was %s%n", id, run.path("status").asText());
            return 1;
        }
        if (failed > 0) {
            err.printf("closer-batch: run %d could not score %,d lead%s: closer-batch failures %d lists them%n", id,
                    failed, failed == 1 ? "" : "s", id);
            return 1;
        }
        return 0;
    }

    /** An ended run: its counts, rate and model, and the drift headline. */
    private void printSummary(JsonNode run) {
        JsonNode summary = run.path("summary");
        if (!summary.isObject()) {
            out.printf("%s after %,d of %,d leads: %,d scored, %,d changed, %,d failed%n",
                    capitalised(run.path("status").asText()), run.path("done").asLong(), run.path("total").asLong(),
                    run.path("scored").asLong(), run.path("changed").asLong(), run.path("failed").asLong());
            return;
        }
        JsonNode counts = summary.path("counts");
        out.printf("%s in %.1f s: %,d scored, %,d changed, %,d failed (%s leads/s), model %s%n",
                capitalised(run.path("status").asText()), counts.path("seconds").asDouble(),
                counts.path("scored").asLong(), counts.path("changed").asLong(), counts.path("failed").asLong(),
                counts.path("leadsPerSecond").isNumber()
                        ? String.format("%,d", counts.path("leadsPerSecond").asLong()) : "-",
                summary.path("modelVersion").asText("-"));
        JsonNode drift = summary.path("drift");
        if (drift.isObject()) {
            List<String> top = new ArrayList<>();
            for (JsonNode f : drift.path("features")) {
                if (top.size() < 3) {
                    top.add(String.format("%s %.3f", f.path("feature").asText(), f.path("psi").asDouble()));
                }
            }
            out.printf("Drift: %s%s%n", alert(drift), top.isEmpty() ? "" : "; largest PSI: " + String.join(", ", top));
        }
    }

    /** The drift headline: ALERT and on how many features, no alert, or why it was not measured. */
    static String alert(JsonNode drift) {
        if (!drift.path("available").asBoolean()) {
            return "not measured: " + drift.path("reason").asText("no reason given");
        }
        long alerts = 0;
        for (JsonNode f : drift.path("features")) {
            alerts += f.path("alert").asBoolean() ? 1 : 0;
        }
        String at = drift.path("alertAt").asText();
        return drift.path("alert").asBoolean()
                ? String.format("ALERT, PSI %s or more on %d feature%s", at, alerts, alerts == 1 ? "" : "s")
                : "no alert, every PSI below " + at;
    }

    /** {@code [#######.......]  62%  6,400/10,288 leads  2 failed  1,234/s  ETA 3 s}. */
    static String bar(JsonNode run) {
        long total = run.path("total").asLong();
        long done = run.path("done").asLong();
        boolean running = running(run);
        double fraction = total > 0 ? Math.min(1, (double) done / total) : running ? 0 : 1;
        int filled = (int) (fraction * BAR_WIDTH);
        StringBuilder line = new StringBuilder(String.format("[%s%s] %3d%%  %,d/%,d leads  %,d failed",
                "#".repeat(filled), ".".repeat(BAR_WIDTH - filled), (int) (fraction * 100), done, total,
                run.path("failed").asLong()));
        if (run.path("leadsPerSecond").isNumber()) {
            line.append(String.format("  %,.0f/s", run.path("leadsPerSecond").asDouble()));
        }
        if (running && run.path("etaSeconds").isNumber()) {
            line.append("  ETA ").append(duration(Math.round(run.path("etaSeconds").asDouble())));
        }
        return line.toString();
    }

    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return String.format("%d min %02d s", seconds / 60, seconds % 60);
        }
        return String.format("%d h %02d min", seconds / 3600, seconds % 3600 / 60);
    }

    /** An API time as {@code yyyy-MM-dd HH:mm:ss} in its own offset; "-" when there is none. */
    static String time(JsonNode at) {
        if (!at.isTextual()) {
            return "-";
        }
        try {
            return OffsetDateTime.parse(at.asText()).format(TIME);
        } catch (DateTimeParseException e) {
            return at.asText();
        }
    }

    private static boolean running(JsonNode run) {
        return "running".equals(run.path("status").asText());
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * A run's progress as it is followed: on a terminal one bar redrawn in place; otherwise a plain line at first,
     * then at most every ten seconds while it changes, and at the end.
     */
    private static final class Progress {
        private final PrintStream plain;
        private final ProgressBarConsumer terminal;
        private String last;
        private long lastAt;

        /** @param plain where plain lines go, null for none; @param terminal the terminal, or null */
        Progress(PrintStream plain, ProgressBarConsumer terminal) {
            this.plain = plain;
            this.terminal = plain == null ? null : terminal;
        }

        void show(JsonNode run) {
            String line = bar(run);
            if (terminal != null) {
                // Spaces over what is left of a longer line before.
                terminal.accept(last == null || last.length() <= line.length() ? line
                        : line + " ".repeat(last.length() - line.length()));
                last = line;
            } else if (plain != null && !line.equals(last)
                    && (last == null || !running(run) || System.nanoTime() - lastAt >= PLAIN_EVERY_NANOS)) {
                plain.println(line);
                last = line;
                lastAt = System.nanoTime();
            }
        }

        void close() {
            if (terminal != null && last != null) {
                terminal.close();
            }
        }
    }
}
