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
@Path("/v1/webhooks")
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
        CrmEvents.Mapped mapped;
        try {
            mapped = read(source, headers, uri, body == null ? new byte[0] : body);
        } catch (WebhookRejection e) {
            return done(refuse(name, e));
        } catch (EventReader.InvalidBatchException e) {
            rejected(name, "malformed");
            throw e; // the events endpoint's 400 problem, listing each bad event
        }
        List<CrmEvent> events = mapped.events();
        if (events.size() > config.ingest().maxBatch()) {
            return done(refuse(name, new WebhookRejection(413, "too_large", "A webhook holds at most "
                    + config.ingest().maxBatch() + " events; this one has " + events.size())));
        }
        CompletableFuture<Void> published = events.isEmpty() ? CompletableFuture.completedFuture(null)
                : kafka.crmEvents().publishAsync(events, config.ingest().publishTimeout());
        return published
                .whenComplete((ok, error) -> {
                    if (error != null) { // answered 503 with Retry-After (ProblemMappers): the source retries
                        rejected(name, "kafka_unavailable");
                    }
                })
                .thenApply(ok -> {
                    source.accepted().increment(events.size());
                    source.ignored().increment(mapped.ignored());
                    return source.type().equals("salesforce")
                            ? Response.ok(SalesforceOutboundMessages.ACK, MediaType.TEXT_XML_TYPE).build()
                            : Response.accepted(new Accepted(events.size(), mapped.ignored(),
                                    events.stream().map(CrmEvent::id).toList()))
                            .type(MediaType.APPLICATION_JSON_TYPE).build();
                });
    }

    /** Authenticates the request the way its source's CRM signs it, and maps it to events. */
    private CrmEvents.Mapped read(WebhookSources.Source source, HttpHeaders headers, UriInfo uri, byte[] bytes)
            throws EventReader.InvalidBatchException {
        CloserConfig.Webhooks.Source settings = source.config();
        return switch (source.type()) {
            case "hubspot" -> {
                HubSpotWebhooks.verify(settings.secret().orElseThrow(), new HubSpotWebhooks.Signed("POST",
                                signedUri(uri), bytes, headers.getHeaderString(HubSpotWebhooks.SIGNATURE_V3),
                                headers.getHeaderString(HubSpotWebhooks.TIMESTAMP),
                                headers.getHeaderString(HubSpotWebhooks.SIGNATURE),
                                headers.getHeaderString(HubSpotWebhooks.SIGNATURE_VERSION)),
                        Instant.now(), config.webhooks().tolerance(), settings.legacySignatures());
                yield HubSpotWebhooks.events(bytes, source.mapping(), source.events());
            }
            case "salesforce" -> {
                SalesforceOutboundMessages.Message message = SalesforceOutboundMessages.parse(bytes);
                SalesforceOutboundMessages.checkOrganization(message,
                        Set.copyOf(settings.organizationIds().orElseThrow()));
                yield SalesforceOutboundMessages.events(message, source.mapping(), source.events());
            }
            case "pipedrive" -> {
                PipedriveWebhooks.verify(headers.getHeaderString(HttpHeaders.AUTHORIZATION),
                        settings.username().orElseThrow(), settings.password().orElseThrow());
                yield PipedriveWebhooks.events(bytes, source.mapping(), source.events());
            }
            default -> {
                CloserSignature.verify(settings.secret().orElseThrow(), headers.getHeaderString(CloserSignature.HEADER),
                        bytes, Instant.now(), config.webhooks().tolerance());
                yield new CrmEvents.Mapped(reader.readBody(bytes), 0);
            }
        };
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
