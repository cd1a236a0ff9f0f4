package dev.closer.ingest.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * A command line over Closer's REST API (closer-models, closer-batch): the options each takes, inherited by its
 * subcommands (--url, --api-key, --json), where it prints, its {@link ApiClient}, and its usage, exit status 2,
 * when no subcommand is named.
 */
abstract class ApiCommand implements Callable<Integer> {

    @Option(names = "--url", scope = ScopeType.INHERIT, defaultValue = "${env:CLOSER_URL:-http://localhost:8080}",
            description = "Closer's base URL (default: ${DEFAULT-VALUE}; env CLOSER_URL).")
    String url;

    @Option(names = "--api-key", scope = ScopeType.INHERIT, defaultValue = "${env:CLOSER_API_KEY}",
            description = "API key (default: env CLOSER_API_KEY); an admin key for changes.")
    String apiKey;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the API's JSON answer as it is.")
    boolean json;

    final PrintStream out;
    final PrintStream err;
    private final String program;
    private ApiClient client;

    /** @param program the command's name, which begins its messages */
    ApiCommand(String program, PrintStream out, PrintStream err) {
        this.program = program;
        this.out = out;
        this.err = err;
    }

    /** The API, as the options say, once they are parsed. */
    ApiClient client() {
        if (client == null) {
            client = new ApiClient(program, url, apiKey, json, out, err);
        }
        return client;
    }

    /**
     * Prints an answer of the API for people with {@code print}, unless --json printed it as it is.
     *
     * @return exit status 0, or 1 when there is no answer (the API refused, and said why)
     */
    int show(JsonNode answer, Consumer<JsonNode> print) {
        if (answer != null && !json) {
            print.accept(answer);
        }
        return answer == null ? 1 : 0;
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(err);
        return 2;
    }
}
