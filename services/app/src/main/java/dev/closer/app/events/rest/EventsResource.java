package dev.closer.app.events.rest;

import dev.closer.app.auth.Roles;
import dev.closer.app.config.CloserConfig;
import dev.closer.app.events.KafkaClients;
import dev.closer.app.problem.Problem;
import dev.closer.ingest.CrmEvent;
import dev.closer.ingest.EventReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/events")
@Tag(name = "Events", description = "CRM events in, as CloudEvents")
@RolesAllowed({Roles.ADMIN, Roles.MANAGER})
public class EventsResource {

    public static final String CLOUDEVENT = "application/cloudevents+json";
    public static final String CLOUDEVENT_BATCH = "application/cloudevents-batch+json";

    /** What was accepted: every event is on Kafka, acknowledged by all in-sync replicas. */
    public record Accepted(int accepted, List<String> ids) {
    }

    @Inject
    EventReader reader;
    @Inject
    KafkaClients kafka;
    @Inject
    CloserConfig config;
    @Inject
    MeterRegistry meters;

    private Counter accepted;

    @PostConstruct
    void init() {
        accepted = Counter.builder("closer.events.accepted").description("Events accepted over HTTP")
                .register(meters);
    }

    @POST
    @Consumes({CLOUDEVENT, CLOUDEVENT_BATCH, MediaType.APPLICATION_JSON})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send one CloudEvent or a batch (JSON array)",
            description = "Types: closer.account.upserted, closer.lead.upserted, closer.activity.recorded. "
                    + "All events of a batch are validated first: if any is invalid, none is accepted and the "
                    + "problem lists each bad event by index. Answers 202 once Kafka has acknowledged every event; "
                    + "503 with Retry-After when Kafka is unavailable.")
    public Response post(byte[] body) throws EventReader.InvalidBatchException {
        List<CrmEvent> events = reader.readBody(body);
        if (events.size() > config.ingest().maxBatch()) {
            return Problem.of(Response.Status.REQUEST_ENTITY_TOO_LARGE,
                    "A batch holds at most " + config.ingest().maxBatch() + " events; this one has " + events.size()
                            + ". Split it.").withInstance("/api/v1/events").response().build();
        }
        kafka.crmEvents().publish(events, config.ingest().publishTimeout());
        accepted.increment(events.size());
        return Response.accepted(new Accepted(events.size(), events.stream().map(CrmEvent::id).toList())).build();
    }
}
