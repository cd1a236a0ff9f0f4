package dev.closer.app.outbound.crm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.closer.app.config.CloserConfig.Webhooks.Source.Writer;
import dev.closer.app.outbound.AttemptOutcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Writes to a HubSpot contact: {@code PATCH {base-url}/crm/v3/objects/contacts/{contactId}} with
 * {@code {"properties": {"closer_score": "87", "closer_grade": "A"}}} and the private app's token as
 * {@code Authorization: Bearer} (HubSpot's "Update a contact", developers.hubspot.com/docs/api-reference/latest/crm/
 * objects/contacts/update-contact: given values overwrite, unknown properties are an error). Values are sent as
 * strings, the form the v3 objects API takes for every property type.
 */
final class HubSpotWriter extends CrmRecordWriter {

    /** HubSpot's record ids (hs_object_id) are numbers. */
    private static final Pattern CONTACT_ID = Pattern.compile("[0-9]{1,20}");

    private final String token;
    private final URI contacts;

    HubSpotWriter(String source, String idPrefix, Writer settings, HttpClient http, Duration timeout,
                  ObjectMapper json) {
        super("hubspot", source, idPrefix, settings, http, timeout, json);
        this.token = settings.accessToken().orElseThrow().trim();
        String base = settings.baseUrl().map(String::trim).orElse(CrmWriterSettings.HUBSPOT_BASE_URL);
        this.contacts = URI.create(base.replaceAll("/+$", "") + "/crm/v3/objects/contacts/");
    }

    @Override
    boolean writes(String id) {
        return CONTACT_ID.matcher(id).matches();
    }

    @Override
    public CompletableFuture<AttemptOutcome> write(String contactId, int score, String grade) {
        ObjectNode body = json.createObjectNode();
        body.set("properties", fields(score, grade, true));
        return http.sendAsync(patch(contacts.resolve(contactId), token, body.toString()),
                        HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> error != null ? AttemptOutcome.ofError(error)
                        : AttemptOutcome.ofCrm(response.statusCode(), response.headers(), response.body(),
                        Instant.now()));
    }

    @Override
    public String toString() { // no token
        return "HubSpotWriter[" + source + " -> " + contacts + "]";
    }
}
