package dev.closer.ingest.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * A local stand-in for Closer's REST API that answers canned JSON: {@link #on} queues answers for a method and path
 * (with its query), the last one repeating; anything else is a 404 problem. Records what it was asked.
 */
final class StubApi implements AutoCloseable {

    /** An answer: status, body (problem+json from 400 on), and a Location header or null. */
    record Answer(int status, String body, String location) {
    }

    /** A request it received. */
    record Request(String method, String path, String authorization, String contentType, byte[] body) {
    }

    /** What a command printed and the exit status it ended with. */
    record Run(int exit, String out, String err) {
    }

    private final HttpServer server;
    private final Map<String, Deque<Answer>> answers = new HashMap<>();
    final List<Request> requests = new ArrayList<>();

    StubApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            String path = exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
            Answer answer;
            synchronized (this) {
                requests.add(new Request(exchange.getRequestMethod(), path,
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        exchange.getRequestBody().readAllBytes()));
                Deque<Answer> queued = answers.get(exchange.getRequestMethod() + " " + path);
                answer = queued == null ? problem(404, "Not Found", "Nothing at " + path)
                        : queued.size() > 1 ? queued.poll() : queued.peek();
            }
            byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type",
                    answer.status() >= 400 ? "application/problem+json" : "application/json");
            if (answer.location() != null) {
                exchange.getResponseHeaders().set("Location", answer.location());
            }
            exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    static Answer ok(String body) {
        return new Answer(200, body, null);
    }

    static Answer problem(int status, String title, String detail) {
        return new Answer(status, "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status
                + ",\"detail\":\"" + detail + "\"}", null);
    }

    /** Answers {@code method path} with these, in turn; the last one keeps answering. */
    synchronized StubApi on(String method, String path, Answer... in) {
        answers.put(method + " " + path, new ArrayDeque<>(List.of(in)));
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Runs the command against this API with the key "k" (both options after {@code args}). */
    Run run(CommandFactory command, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", url(), "--api-key", "k"));
        return execute(command, all.toArray(String[]::new));
    }

    /** Runs the command with exactly these arguments, capturing what it prints. */
    static Run execute(CommandFactory command, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = new CommandLine(command.create(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))).execute(args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A command writing to these streams. */
    interface CommandFactory {
        Object create(PrintStream out, PrintStream err);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
