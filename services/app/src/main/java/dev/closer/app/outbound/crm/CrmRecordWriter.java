package dev.closer.app.outbound.crm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.closer.app.config.CloserConfig.Webhooks.Source.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;

/** What the CRM writers share: the lead id to record id rule, the fields written and the requests' headers. */
abstract class CrmRecordWriter implements CrmWriter {

    final String source;
    private final String idPrefix;
    private final String scoreProperty;
    private final String gradeProperty;
    final HttpClient http;
    private final Duration timeout;
    final ObjectMapper json;

    CrmRecordWriter(String type, String source, String idPrefix, Writer settings, HttpClient http, Duration timeout,
                    ObjectMapper json) {
        this.source = source;
        this.idPrefix = idPrefix;
        this.scoreProperty = CrmWriterSettings.scoreProperty(type, settings);
        this.gradeProperty = CrmWriterSettings.gradeProperty(type, settings);
        this.http = http;
        this.timeout = timeout;
        this.json = json;
    }

    /** The lead id without the source's prefix, when the rest has the shape of a record id this writer writes. */
    @Override
    public final Optional<String> crmId(String leadId) {
        if (!leadId.startsWith(idPrefix)) {
            return Optional.empty();
        }
        String id = leadId.substring(idPrefix.length());
        return writes(id) ? Optional.of(id) : Optional.empty();
    }

    /** Whether an id (the prefix removed) is one of a record this writer writes. */
    abstract boolean writes(String id);

    /** The score and grade under their property names, those set to {@value CrmWriterSettings#NONE} left out. */
    ObjectNode fields(int score, String grade, boolean scoreAsText) {
        ObjectNode fields = json.createObjectNode();
        if (!scoreProperty.equals(CrmWriterSettings.NONE)) {
            if (scoreAsText) {
                fields.put(scoreProperty, Integer.toString(score));
            } else {
                fields.put(scoreProperty, score);
            }
        }
        if (!gradeProperty.equals(CrmWriterSettings.NONE)) {
            fields.put(gradeProperty, grade);
        }
        return fields;
    }

    /** A request to the CRM with what every call of a writer has: the timeout, JSON answers, the User-Agent. */
    HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Accept", "application/json")
                .header("User-Agent", "Closer-CrmWriter/1");
    }

    /** A PATCH of a JSON body, with a bearer token. */
    HttpRequest patch(URI uri, String token, String body) {
        return request(uri).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
