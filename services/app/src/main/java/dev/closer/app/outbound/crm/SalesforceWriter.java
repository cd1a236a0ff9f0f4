package dev.closer.app.outbound.crm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.config.CloserConfig.Webhooks.Source.Writer;
import dev.closer.app.outbound.AttemptOutcome;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Writes to a Salesforce Lead (or Contact): {@code PATCH {instance_url}/services/data/v60.0/sobjects/Lead/{id}}
 * with {@code {"Closer_Score__c": 87, "Closer_Grade__c": "A"}}, answered 204 (REST API Developer Guide, "Update a
 * Record", developer.salesforce.com/docs/platform/api-rest/guide/dome-update-fields).
 *
 * <p>The token comes from the OAuth 2.0 client credentials flow: {@code POST {login-url}/services/oauth2/token}
 * with the form {@code grant_type=client_credentials&client_id=...&client_secret=...}, answered with
 * {@code access_token} and {@code instance_url} (Connect REST API quick start, "Connect Using OAuth",
 * developer.salesforce.com/docs/atlas.en-us.chatterapi.meta/chatterapi/quickstart_connecting.htm). The flow issues
 * no refresh token and no expiry: the token is kept until Salesforce refuses it (401, e.g. INVALID_SESSION_ID when
 * the session timed out), then one new token is fetched and the write sent once more. Concurrent writes share one
 * token request.
 */
final class SalesforceWriter extends CrmRecordWriter {

    /** Salesforce record ids: 15 characters, or 18 with the case-safe suffix. */
    private static final Pattern RECORD_ID = Pattern.compile("[A-Za-z0-9]{15}|[A-Za-z0-9]{18}");
    /** The key prefix of Contact ids (Lead ids start with 00Q). */
    private static final String CONTACT_KEY_PREFIX = "003";

    /** A token and the org's URL; {@link #toString()} leaves the token out. */
    record Token(String accessToken, String instanceUrl) {
        @Override
        public String toString() {
            return "Token[" + instanceUrl + "]";
        }
    }

    /** The token endpoint's refusal, carried to the attempt's outcome. */
    private static final class TokenRefused extends RuntimeException {
        final AttemptOutcome outcome;

        TokenRefused(AttemptOutcome outcome) {
            super(outcome.error(), null, false, false);
            this.outcome = outcome;
        }
    }

    private final URI tokenUrl;
    private final String tokenForm;
    private final String apiVersion;
    private final String object;
    private final String contactObject;
    private final AtomicReference<CompletableFuture<Token>> token = new AtomicReference<>();

    SalesforceWriter(String source, String idPrefix, Writer settings, HttpClient http, Duration timeout,
                     ObjectMapper json) {
        super("salesforce", source, idPrefix, settings, http, timeout, json);
        this.tokenUrl = URI.create(settings.loginUrl().orElseThrow().trim().replaceAll("/+$", "")
                + "/services/oauth2/token");
        this.tokenForm = "grant_type=client_credentials"
                + "&client_id=" + URLEncoder.encode(settings.clientId().orElseThrow().trim(), StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(settings.clientSecret().orElseThrow().trim(),
                StandardCharsets.UTF_8);
        this.apiVersion = settings.apiVersion();
        this.object = settings.object();
        this.contactObject = settings.contactObject();
    }

    @Override
    boolean writes(String id) {
        return RECORD_ID.matcher(id).matches()
                && !(id.startsWith(CONTACT_KEY_PREFIX) && contactObject.equals(CrmWriterSettings.NONE));
    }

    @Override
    public CompletableFuture<AttemptOutcome> write(String recordId, int score, String grade) {
        String body = fields(score, grade, false).toString();
        String sobject = recordId.startsWith(CONTACT_KEY_PREFIX) ? contactObject : object;
        String path = "/services/data/" + apiVersion + "/sobjects/" + sobject + "/" + recordId;
        CompletableFuture<Token> current = token();
        return current.thenCompose(t -> patch(t, path, body)).thenCompose(response -> {
            if (response.statusCode() != 401) {
                return CompletableFuture.completedFuture(response);
            }
            // Refused: the session ended or was revoked. One new token, one more try; a second 401 is final.
            return renew(current).thenCompose(t -> patch(t, path, body));
        }).handle((response, error) -> {
            if (error == null) {
                return AttemptOutcome.ofCrm(response.statusCode(), response.headers(), response.body(), Instant.now());
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            return cause instanceof TokenRefused refused ? refused.outcome : AttemptOutcome.ofError(cause);
        });
    }

    private CompletableFuture<HttpResponse<String>> patch(Token t, String path, String body) {
        return http.sendAsync(patch(URI.create(t.instanceUrl() + path), t.accessToken(), body),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The token in use, asked for when there is none (or the last request for one failed). */
    private CompletableFuture<Token> token() {
        while (true) {
            CompletableFuture<Token> t = token.get();
            if (t != null && !t.isCompletedExceptionally()) {
                return t;
            }
            CompletableFuture<Token> fresh = new CompletableFuture<>();
            if (token.compareAndSet(t, fresh)) {
                fetch(fresh);
                return fresh;
            }
        }
    }

    /** A new token in place of {@code refused}; when another write renewed it already, that one. */
    private CompletableFuture<Token> renew(CompletableFuture<Token> refused) {
        CompletableFuture<Token> fresh = new CompletableFuture<>();
        if (token.compareAndSet(refused, fresh)) {
            fetch(fresh);
            return fresh;
        }
        return token();
    }

    private void fetch(CompletableFuture<Token> into) {
        HttpRequest request = request(tokenUrl)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(tokenForm)).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
            if (error != null) {
                into.completeExceptionally(error);
                return;
            }
            if (response.statusCode() != 200) {
                // invalid_client, invalid_grant (the flow not enabled, no run-as user): permanent, as any 4xx
                AttemptOutcome refused = AttemptOutcome.ofCrm(response.statusCode(), response.headers(),
                        response.body(), Instant.now());
                into.completeExceptionally(new TokenRefused(new AttemptOutcome(refused.status(),
                        "token request: " + refused.error(), refused.permanent(), refused.retryAfter())));
                return;
            }
            try {
                JsonNode answer = json.readTree(response.body());
                String accessToken = answer.path("access_token").asText("");
                String instanceUrl = answer.path("instance_url").asText("").replaceAll("/+$", "");
                URI instance = URI.create(instanceUrl);
                if (accessToken.isEmpty() || !instance.isAbsolute() || instance.getHost() == null) {
                    throw new IOException("no access_token or instance_url");
                }
                into.complete(new Token(accessToken, instanceUrl));
            } catch (IOException | IllegalArgumentException e) {
                into.completeExceptionally(new TokenRefused(new AttemptOutcome(200,
                        "token request: the answer is not a token (" + e.getMessage() + ")", false, null)));
            }
        });
    }

    @Override
    public String toString() { // no secret, no token
        return "SalesforceWriter[" + source + " -> " + tokenUrl + "]";
    }
}
