package dev.closer.app.webhooks;

import dev.closer.app.config.CloserConfig;
import dev.closer.app.events.KafkaClients;
import dev.closer.app.events.rest.EventsResource;
import dev.closer.app.problem.Problem;
import dev.closer.ingest.CrmEvent;
import dev.closer.ingest.EventReader;
import dev.closer.ingest.kafka.EventPublisher;
import dev.closer.ingest.webhook.CloserSignature;
import dev.closer.ingest.webhook.WebhookRejection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Webhooks in: each configured source posts to {@code /api/v1/webhooks/{source}}, signed with its secret instead of
 * an API key. The request is checked (source, size, signature and its age, then the events), published to the CRM
 * events topic with {@code acks=all}, and answered 202 — or refused with a problem saying what was wrong, counted
 * in {@code closer_webhooks_rejected_total{source,reason}}. A redelivered webhook republishes the same event ids,
 * which the event sink's inbox stores once.
 */
@Path("/api/v1/webhooks")
@Tag(name = "Webhooks", description = "Signed webhooks from CRMs and automation tools")
@PermitAll
public class WebhookResource {

    @Inject
    CloserConfig config;
    @Inject
    EventReader reader;
    @Inject
    KafkaClients kafka;
    @Inject
    MeterRegistry meters;


    @POST
    @Path("{source}")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Receive a signed webhook from a configured source",
            description = "generic sources: one CloudEvent or a JSON array of them, as POST /api/v1/events takes, "
                    + "signed in X-Closer-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of t + '.' + body>. "
                    + "202 once Kafka has the events; 401 bad or stale signature; 404 unknown source; 413 too large; "
                    + "400 malformed; 503 with Retry-After when Kafka is away.")
    public Response receive(@PathParam("source") String source,
                            @HeaderParam(CloserSignature.HEADER) String signature, byte[] body)
            throws EventReader.InvalidBatchException {
        CloserConfig.Webhooks.Source configured = config.webhooks().sources().get(source);
        if (configured == null) {
            return refuse(source, new WebhookRejection(404, "unknown_source", "No webhook source '" + source
                    + "' is configured (closer.webhooks.sources." + source + ".secret)"));
        }
        long max = config.webhooks().maxBodySize().asLongValue();
        if (body != null && body.length > max) {
            return refuse(source, new WebhookRejection(413, "too_large", "The body has " + body.length
                    + " bytes; at most " + max + " are accepted (closer.webhooks.max-body-size)"));
        }
        byte[] bytes = body == null ? new byte[0] : body;
        try {
            CloserSignature.verify(configured.secret(), signature, bytes, Instant.now(), config.webhooks().tolerance());
        } catch (WebhookRejection e) {
            return refuse(source, e);
        }
        List<CrmEvent> events;
        try {
            events = reader.readBody(bytes);
        } catch (EventReader.InvalidBatchException e) {
            rejected(source, "malformed");
            throw e; // the events endpoint's 400 problem, listing each bad event
        }
        if (events.size() > config.ingest().maxBatch()) {
            return refuse(source, new WebhookRejection(413, "too_large", "A webhook holds at most "
                    + config.ingest().maxBatch() + " events; this one has " + events.size()));
        }
        try {
            kafka.crmEvents().publish(events, config.ingest().publishTimeout());
        } catch (EventPublisher.PublishException e) {
            rejected(source, "kafka_unavailable");
            throw e; // 503 with Retry-After: the source retries, nothing is lost
        }
        Counter.builder("closer.webhooks.accepted").tag("source", source).description("Webhook events accepted")
                .register(meters).increment(events.size());
        return Response.accepted(new EventsResource.Accepted(events.size(), events.stream().map(CrmEvent::id).toList()))
                .build();
    }

    private Response refuse(String source, WebhookRejection e) {
        // Only configured names become metric tags: anyone can make up a URL.
        rejected(config.webhooks().sources().containsKey(source) ? source : "unknown", e.reason());
        return Problem.of(Response.Status.fromStatusCode(e.status()), e.getMessage())
                .withInstance("/api/v1/webhooks/" + source).response().build();
    }

    private void rejected(String source, String reason) {
        Counter.builder("closer.webhooks.rejected").tag("source", source).tag("reason", reason)
                .description("Webhook requests refused, by reason").register(meters).increment();
    }
}
