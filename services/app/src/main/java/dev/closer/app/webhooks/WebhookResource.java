package dev.closer.app.webhooks;

import dev.closer.app.config.CloserConfig;
import dev.closer.app.events.KafkaClients;
import dev.closer.app.problem.Problem;
import dev.closer.ingest.CrmEvent;
import dev.closer.ingest.EventReader;
import dev.closer.ingest.webhook.CloserSignature;
import dev.closer.ingest.webhook.CrmEvents;
import dev.closer.ingest.webhook.HubSpotWebhooks;
import dev.closer.ingest.webhook.PipedriveWebhooks;
import dev.closer.ingest.webhook.SalesforceOutboundMessages;
import dev.closer.ingest.webhook.WebhookRejection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Webhooks in: each configured source posts to {@code /api/v1/webhooks/{source}}, authenticated the way its CRM
 * does it (a signature, Basic credentials, an organisation id) instead of an API key. The request is checked
 * (source, size, authentication, then the content), mapped to Closer's CloudEvents (patches and deletions of leads,
 * accounts and deals for CRMs; the events themselves for generic sources), published to the CRM events topic with
 * {@code acks=all}, and answered — or refused with a problem saying what was wrong, counted in
 * {@code closer_webhooks_rejected_total{source,reason}}. Event ids come from the CRM's delivery, so a redelivered
 * webhook republishes the same ids, which the event sink's inbox stores once.
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
    @Inject
    WebhookSources sources;


    @POST
    @Path("{source}")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_XML})
    @Operation(summary = "Receive a webhook from a configured source",
            description = "generic sources: one CloudEvent or a JSON array of them, as POST /api/v1/events takes, "
                    + "signed in X-Closer-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of t + '.' + body>. "
                    + "hubspot: HubSpot's event array, signed v3 (or v1/v2). salesforce: an outbound message (SOAP), "
                    + "answered with the Ack envelope. pipedrive: a webhooks v2 event with Basic credentials. "
                    + "202 (200 with the Ack for salesforce) once Kafka has the events; 401 bad or stale signature; "
                    + "404 unknown source; 413 too large; 400 malformed; 503 with Retry-After when Kafka is away.")
    @Blocking // checking and mapping run on a worker; the wait for Kafka's acknowledgement holds no thread
    public CompletionStage<Response> receive(@PathParam("source") String name, @Context HttpHeaders headers,
                                             @Context UriInfo uri, byte[] body) throws EventReader.InvalidBatchException {
        WebhookSources.Source source = sources.get(name).orElse(null);
        if (source == null) {
            return done(refuse(name, new WebhookRejection(404, "unknown_source", "No webhook source '" + name
                    + "' is configured (closer.webhooks.sources." + name + ".type and its credentials)")));
        }
        long max = config.webhooks().maxBodySize().asLongValue();
        if (body != null && body.length > max) {
            return done(refuse(name, new WebhookRejection(413, "too_large", "The body has " + body.length
                    + " bytes; at most " + max + " are accepted (closer.webhooks.max-body-size)")));
        }
        byte[] bytes = body == null ? new byte[0] : body;
        List<CrmEvent> events;
        int ignored = 0;
        try {
            switch (source.type()) {
                case "hubspot" -> {
                    HubSpotWebhooks.verify(source.config().secret().orElseThrow(), new HubSpotWebhooks.Signed("POST",
                                    signedUri(uri), bytes, headers.getHeaderString(HubSpotWebhooks.SIGNATURE_V3),
                                    headers.getHeaderString(HubSpotWebhooks.TIMESTAMP),
                                    headers.getHeaderString(HubSpotWebhooks.SIGNATURE),
                                    headers.getHeaderString(HubSpotWebhooks.SIGNATURE_VERSION)),
                            Instant.now(), config.webhooks().tolerance(), source.config().legacySignatures());
                    CrmEvents.Mapped mapped = HubSpotWebhooks.events(bytes, source.mapping(), source.events());
                    events = mapped.events();
                    ignored = mapped.ignored();
                }
                case "salesforce" -> {
                    SalesforceOutboundMessages.Message message = SalesforceOutboundMessages.parse(bytes);
                    SalesforceOutboundMessages.checkOrganization(message,
                            Set.copyOf(source.config().organizationIds().orElseThrow()));
                    CrmEvents.Mapped mapped = SalesforceOutboundMessages.events(message,
                            source.mapping(), source.events());
                    events = mapped.events();
                    ignored = mapped.ignored();
                }
                case "pipedrive" -> {
                    PipedriveWebhooks.verify(headers.getHeaderString(HttpHeaders.AUTHORIZATION),
                            source.config().username().orElseThrow(), source.config().password().orElseThrow());
                    CrmEvents.Mapped mapped = PipedriveWebhooks.events(bytes, source.mapping(),
                            source.events());
                    events = mapped.events();
                    ignored = mapped.ignored();
                }
                default -> {
                    CloserSignature.verify(source.config().secret().orElseThrow(),
                            headers.getHeaderString(CloserSignature.HEADER), bytes, Instant.now(),
                            config.webhooks().tolerance());
                    try {
                        events = reader.readBody(bytes);
                    } catch (EventReader.InvalidBatchException e) {
                        rejected(name, "malformed");
                        throw e; // the events endpoint's 400 problem, listing each bad event
                    }
                }
            }
        } catch (WebhookRejection e) {
            return done(refuse(name, e));
        }
        if (events.size() > config.ingest().maxBatch()) {
            return done(refuse(name, new WebhookRejection(413, "too_large", "A webhook holds at most "
                    + config.ingest().maxBatch() + " events; this one has " + events.size())));
        }
        CompletableFuture<Void> published = events.isEmpty() ? CompletableFuture.completedFuture(null)
                : kafka.crmEvents().publishAsync(events, config.ingest().publishTimeout());
        int ignoredItems = ignored;
        return published.handle((ok, error) -> {
            if (error != null) {
                rejected(name, "kafka_unavailable");
                // 503 with Retry-After (ProblemMappers): the source retries, nothing is lost
                throw error instanceof CompletionException ? (CompletionException) error
                        : new CompletionException(error);
            }
            Counter.builder("closer.webhooks.accepted").tag("source", name).description("Webhook events accepted")
                    .register(meters).increment(events.size());
            if (ignoredItems > 0) {
                Counter.builder("closer.webhooks.ignored").tag("source", name)
                        .description("Webhook events of objects or kinds Closer does not keep").register(meters)
                        .increment(ignoredItems);
            }
            if (source.type().equals("salesforce")) {
                return Response.ok(SalesforceOutboundMessages.ACK, MediaType.TEXT_XML_TYPE).build();
            }
            return Response.accepted(new Accepted(events.size(), ignoredItems,
                    events.stream().map(CrmEvent::id).toList())).type(MediaType.APPLICATION_JSON_TYPE).build();
        });
    }

    private static CompletionStage<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }

    /** What a webhook became: the events published, and how many of its items Closer does not keep. */
    public record Accepted(int accepted, int ignored, List<String> ids) {
    }

    /** The URL the CRM called, as it signed it. */
    private String signedUri(UriInfo uri) {
        return config.webhooks().publicUrl()
                .map(base -> base.replaceAll("/+$", "") + uri.getRequestUri().getRawPath()
                        + (uri.getRequestUri().getRawQuery() == null ? "" : "?" + uri.getRequestUri().getRawQuery()))
                .orElse(uri.getRequestUri().toString());
    }

    private Response refuse(String source, WebhookRejection e) {
        // Only configured names become metric tags: anyone can make up a URL.
        rejected(sources.contains(source) ? source : "unknown", e.reason());
        return Problem.of(Response.Status.fromStatusCode(e.status()), e.getMessage())
                .withInstance("/api/v1/webhooks/" + source).response().build();
    }

    private void rejected(String source, String reason) {
        Counter.builder("closer.webhooks.rejected").tag("source", source).tag("reason", reason)
                .description("Webhook requests refused, by reason").register(meters).increment();
    }
}
