package dev.closer.ingest.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Closer's REST API for the command lines (closer-models, closer-batch): the API key, the request, and the answer,
 * JSON or an RFC 7807 problem printed as {@code <program>: <status> <title>: <detail>}. {@link ApiCommand} makes one
 * from its options.
 *
 * @param program the command's name, which begins its messages
 * @param json    print every answer {@link #send} gets as it is
 */
record ApiClient(String program, String url, String apiKey, boolean json, PrintStream out, PrintStream err) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** What the API answered: the HTTP status, the body as text and as JSON, and the Location header if any. */
    record Answer(int status, String text, JsonNode body, String location) {
        boolean ok() {
            return status < 400;
        }
    }

    /** Calls the API; prints (with --json) and returns the JSON answer, or prints the problem and returns null. */
    JsonNode send(String method, String path, String contentType, byte[] body)
            throws IOException, InterruptedException {
        Answer answer = exchange(method, path, contentType, body);
        if (answer == null) {
            return null;
        }
        if (!answer.ok()) {
            printProblem(answer);
            return null;
        }
        if (json) {
            out.println(answer.text());
        }
        return answer.body();
    }

    /** GETs {@code path} like {@link #send}, but never prints the answer: for polling. */
    JsonNode get(String path) throws IOException, InterruptedException {
        Answer answer = exchange("GET", path, null, null);
        if (answer != null && !answer.ok()) {
            printProblem(answer);
        }
        return answer == null || !answer.ok() ? null : answer.body();
    }

    /**
     * Calls the API and returns its answer, whatever its status, for callers that handle some problems themselves;
     * null, said on standard error, when there is no API key or the API cannot be reached.
     */
    Answer exchange(String method, String path, String contentType, byte[] body)
            throws IOException, InterruptedException {
        if (apiKey == null || apiKey.isBlank()) {
            err.println(program + ": no API key: pass --api-key or set CLOSER_API_KEY");
            return null;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + path))
                .timeout(Duration.ofMinutes(5)).header("Authorization", "Bearer " + apiKey)
                .header("Accept", "application/json, application/problem+json");
        if (body != null) {
            request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println(program + ": cannot reach " + url + ": " + e);
            return null;
        }
        return new Answer(response.statusCode(), response.body(),
                response.body().isBlank() ? JSON.nullNode() : readOrText(response.body()),
                response.headers().firstValue("Location").orElse(null));
    }

    /** {@code <program>: <status> <title>: <detail>} on standard error. */
    void printProblem(Answer answer) {
        String detail = answer.body().path("detail").isTextual() ? answer.body().path("detail").asText()
                : answer.text().isBlank() ? "(no detail)" : answer.text();
        err.printf("%s: %d %s: %s%n", program, answer.status(), answer.body().path("title").asText(""), detail);
    }

    /** Without the API key. */
    @Override
    public String toString() {
        return "ApiClient[" + program + ", " + url + "]";
    }

    /** A path segment or query value, URL-encoded. */
    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static JsonNode readOrText(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.getNodeFactory().textNode(body);
        }
    }
}
