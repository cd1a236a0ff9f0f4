package dev.closer.ingest.cli;

import static dev.closer.ingest.cli.ApiClient.enc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/**
 * The model registry from the command line, through Closer's REST API: list versions, upload a model folder,
 * validate, activate, roll back, shadow and compare. Needs an admin API key for everything but list and compare.
 *
 * <pre>
 *   closer-models list
 *   closer-models upload ml/models/lead-score/v1 --validate
 *   closer-models shadow v1          # score every lead with v1 too, beside the active version
 *   closer-models compare v1         # how v1's scores differ from the active version's
 *   closer-models activate v1
 *   closer-models rollback
 * </pre>
 *
 * Exit status: 0 done, 1 the API refused (the problem's detail is printed) or a validation failed, 2 usage.
 */
@Command(name = "closer-models", mixinStandardHelpOptions = true, version = "closer-models 0.1",
        description = "Manage Closer's model registry through its REST API.",
        subcommands = {ModelsCommand.ListVersions.class, ModelsCommand.Upload.class, ModelsCommand.Validate.class,
                ModelsCommand.Activate.class, ModelsCommand.Rollback.class, ModelsCommand.Shadow.class,
                ModelsCommand.Compare.class, ModelsCommand.History.class})
public final class ModelsCommand extends ApiCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = {"-m", "--model"}, scope = ScopeType.INHERIT, defaultValue = "lead-score",
            description = "Model name (default: ${DEFAULT-VALUE}).")
    String model;

    public ModelsCommand(PrintStream out, PrintStream err) {
        super("closer-models", out, err);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ModelsCommand(System.out, System.err)).execute(args));
    }

    // ----------------------------------------------------------------------------------------- subcommands

    @Command(name = "list", description = "Every model version with its status and validation.")
    static final class ListVersions implements Callable<Integer> {
        @ParentCommand
        ModelsCommand cli;

        @Override
        public Integer call() throws Exception {
            JsonNode versions = cli.send("GET", "/api/v1/models", null, null);
            if (versions == null) {
                return 1;
            }
            if (!cli.json) {
                cli.out.printf("%-16s %-16s %-11s %-10s %-12s %s%n", "NAME", "VERSION", "STATUS", "PARITY",
                        "SHA256", "ACTIVATED");
                for (JsonNode v : versions) {
                    cli.out.printf("%-16s %-16s %-11s %-10s %-12s %s%n", v.path("name").asText(),
                            v.path("version").asText(), v.path("status").asText(), parity(v.path("validation")),
                            v.path("sha256").asText().substring(0, Math.min(12, v.path("sha256").asText().length())),
                            v.path("activatedAt").isNull() || v.path("activatedAt").isMissingNode() ? "-"
                                    : v.path("activatedAt").asText());
                }
            }
            return 0;
        }

        private static String parity(JsonNode validation) {
            if (validation.isMissingNode() || validation.isNull()) {
                return "-";
            }
            return validation.path("passed").asBoolean() ? "passed" : "failed";
        }
    }

    @Command(name = "upload", description = "Register a model version from its folder (or a zip of it); name and "
            + "version come from its features.json.")
    static final class Upload implements Callable<Integer> {
        @ParentCommand
        ModelsCommand cli;

        @Parameters(index = "0", paramLabel = "DIR", description = "The model folder (model.onnx, features.json, "
                + "parity.jsonl, ...) or a .zip of it.")
        Path dir;

        @Option(names = "--validate", description = "Validate the version once it is registered.")
        boolean validate;

        @Override
        public Integer call() throws Exception {
            byte[] zip;
            if (Files.isDirectory(dir)) {
                zip = zip(dir);
            } else if (Files.isRegularFile(dir) && dir.toString().toLowerCase().endsWith(".zip")) {
                zip = Files.readAllBytes(dir);
            } else {
                cli.err.println("closer-models: " + dir + " is neither a model folder nor a .zip of one");
                return 2;
            }
            JsonNode v = cli.send("POST", "/api/v1/models", "application/zip", zip);
            if (v == null) {
                return 1;
            }
            if (!cli.json) {
                cli.out.printf("Registered %s/%s (model.onnx sha256 %s), status %s%n", v.path("name").asText(),
                        v.path("version").asText(), v.path("sha256").asText().substring(0, 12),
                        v.path("status").asText());
            }
            return validate ? cli.validate(v.path("name").asText(), v.path("version").asText()) : 0;
        }

        /** The folder's files (not its sub-folders or dot files) at the top of a zip. */
        static byte[] zip(Path dir) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes);
                 Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(Files::isRegularFile)
                        .filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList()) {
                    zip.putNextEntry(new ZipEntry(file.getFileName().toString()));
                    Files.copy(file, zip);
                    zip.closeEntry();
                }
            }
            return bytes.toByteArray();
        }
    }

    @Command(name = "validate", description = "Load the version and check its parity file (exit 1 when it fails).")
    static final class Validate implements Callable<Integer> {
        @ParentCommand
        ModelsCommand cli;

        @Parameters(index = "0", paramLabel = "VERSION")
        String version;

        @Override
        public Integer call() throws Exception {
            return cli.validate(cli.model, version);
        }
    }

    @Command(name = "activate", description = "Serve this version (it must have passed validation).")
    static final class Activate implements Callable<Integer> {
        @ParentCommand
        ModelsCommand cli;

        @Parameters(index = "0", paramLabel = "VERSION")
        String version;

        @Override
        public Integer call() throws Exception {
            return cli.change("POST", cli.versionPath(version) + "/activate", "%s/%s is active");
        }
    }

    @Command(name = "rollback", description = "Serve again the version that was active before the current one.")
    static final class Rollback implements Callable<Integer> {
        @ParentCommand
        ModelsCommand cli;

        @Override
        public Integer call() throws Exception {
            return cli.change("POST", "/api/v1/models/" + enc(cli.model) + "/rollback",
                    "Rolled back: %s/%s is active again");
        }
    }

    @Command(name = "shadow", description = "Score every lead with VERSION too, beside the active version, for "
            + "comparison; --stop ends it.")
    static final class Shadow implements Callable<Integer> {
        @ParentCommand
        ModelsCommand cli;

        @Parameters(index = "0", arity = "0..1", paramLabel = "VERSION")
        String version;

        @Option(names = "--stop", description = "Stop shadowing.")
        boolean stop;

        @Override
        public Integer call() throws Exception {
            if (stop == (version != null)) {
                cli.err.println("closer-models: shadow needs a VERSION, or --stop");
                return 2;
            }
            return stop
                    ? cli.change("DELETE", "/api/v1/models/" + enc(cli.model) + "/shadow", "Stopped shadowing %s/%s")
                    : cli.change("POST", cli.versionPath(version) + "/shadow", "%s/%s shadows the active version");
        }
    }

    @Command(name = "compare", description = "How a shadow version's scores compare with the active version's.")
    static final class Compare implements Callable<Integer> {
        @ParentCommand
        ModelsCommand cli;

        @Parameters(index = "0", paramLabel = "VERSION")
        String version;

        @Option(names = "--against", paramLabel = "VERSION", description = "Only comparisons with this active "
                + "version.")
        String against;

        @Override
        public Integer call() throws Exception {
            JsonNode c = cli.send("GET", cli.versionPath(version) + "/comparison"
                    + (against == null ? "" : "?against=" + enc(against)), null, null);
            if (c == null) {
                return 1;
            }
            if (cli.json) {
                return 0;
            }
            PrintStream out = cli.out;
            List<String> actives = JSON.convertValue(c.path("activeVersions"), JSON.getTypeFactory()
                    .constructCollectionType(List.class, String.class));
            out.printf("%s/%s (shadow) vs %s (active): %,d leads scored by both%n", c.path("name").asText(),
                    c.path("version").asText(), actives.isEmpty() ? "-" : String.join(", ", actives),
                    c.path("count").asLong());
            if (c.path("count").asLong() == 0) {
                return 0;
            }
            out.printf("  mean absolute difference  %.2f points%n", c.path("meanAbsoluteDifference").asDouble());
            out.printf("  Spearman rank correlation %s%n", c.path("spearman").isNull() ? "-"
                    : String.format("%.4f", c.path("spearman").asDouble()));
            out.printf("  grade agreement           %.1f%%%n", 100 * c.path("gradeAgreement").asDouble());
            out.printf("  %-8s %8s %8s%n", "score", "active", "shadow");
            JsonNode h = c.path("histogram");
            for (int i = 0; i < h.path("buckets").size(); i++) {
                out.printf("  %-8s %8d %8d%n", h.path("buckets").get(i).asText(), h.path("active").get(i).asLong(),
                        h.path("shadow").get(i).asLong());
            }
            return 0;
        }
    }

    @Command(name = "history", description = "Who registered, validated, activated, rolled back or shadowed what, "
            + "and when (newest first).")
    static final class History implements Callable<Integer> {
        @ParentCommand
        ModelsCommand cli;

        @Option(names = "--limit", defaultValue = "20", description = "Lines to show (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() throws Exception {
            JsonNode events = cli.send("GET", "/api/v1/models/" + enc(cli.model) + "/events?limit=" + limit, null,
                    null);
            if (events != null && !cli.json) {
                for (JsonNode e : events) {
                    cli.out.printf("%s  %-17s %-12s by %s%s%s%n", e.path("at").asText(), e.path("action").asText(),
                            e.path("version").asText(), e.path("actor").asText(),
                            e.path("fromVersion").isTextual() ? " (from " + e.path("fromVersion").asText() + ")" : "",
                            e.path("detail").isTextual() ? ": " + e.path("detail").asText() : "");
                }
            }
            return events == null ? 1 : 0;
        }
    }

    // --------------------------------------------------------------------------------------------- helpers

    /** Sends a change and prints {@code done} with the version's name and version; exit status 1 on refusal. */
    int change(String method, String path, String done) throws IOException, InterruptedException {
        JsonNode v = send(method, path, null, null);
        if (v != null && !json) {
            out.printf(done + "%n", v.path("name").asText(), v.path("version").asText());
        }
        return v == null ? 1 : 0;
    }

    int validate(String name, String version) throws IOException, InterruptedException {
        JsonNode v = send("POST", "/api/v1/models/" + enc(name) + "/versions/" + enc(version) + "/validate", null,
                null);
        if (v == null) {
            return 1;
        }
        JsonNode validation = v.path("validation");
        boolean passed = validation.path("passed").asBoolean();
        if (!json) {
            out.printf("%s/%s: %s (status %s)%n", name, version, validation.path("summary").asText(),
                    v.path("status").asText());
            for (JsonNode failure : validation.path("failures")) {
                out.println("  " + failure.asText());
            }
        }
        return passed ? 0 : 1;
    }

    String versionPath(String version) {
        return "/api/v1/models/" + enc(model) + "/versions/" + enc(version);
    }

    /** Calls the API; prints (with --json) and returns the JSON answer, or prints the problem and returns null. */
    JsonNode send(String method, String path, String contentType, byte[] body)
            throws IOException, InterruptedException {
        return client().send(method, path, contentType, body);
    }
}
