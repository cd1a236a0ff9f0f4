package dev.closer.app.call.rest;

import dev.closer.app.auth.Caller;
import dev.closer.app.auth.Roles;
import dev.closer.app.call.CallIntake;
import dev.closer.app.call.CallQueries;
import dev.closer.app.call.CallTrackers;
import dev.closer.app.config.CloserConfig;
import dev.closer.app.events.KafkaClients;
import dev.closer.app.lead.LeadService;
import dev.closer.app.problem.Problem;
import dev.closer.ingest.CrmEvent;
import dev.closer.ingest.call.InvalidTranscriptException;
import dev.closer.ingest.data.CallTranscribedData;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Calls in (transcripts), their analyses, per-rep and per-team aggregates, and the trackers. */
@Path("/v1/calls")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Calls", description = "Call transcripts, conversation metrics, tone, trackers and deal warnings")
@RolesAllowed({Roles.ADMIN, Roles.MANAGER, Roles.REP})
@Blocking
public class CallResource {

    public static final String VTT = "text/vtt";

    @Inject
    CallQueries queries;
    @Inject
    CallIntake intake;
    @Inject
    CallTrackers trackers;
    @Inject
    KafkaClients kafka;
    @Inject
    CloserConfig config;
    @Inject
    LeadService leads;
    @Inject
    SecurityIdentity identity;

    /** What was accepted: the call's id, and the event that carries it. */
    public record Accepted(String callId, String eventId, int utterances) {
    }

    @GET
    @Operation(summary = "Calls the caller may see (their leads'), newest first, with key metrics and warning counts",
            description = "status: pending (queued for analysis), analysed, or failed (analysisError on the call). "
                    + "Page with offset and limit (at most 200); nextOffset is null on the last page.")
    public CallQueries.Page list(@QueryParam("leadId") String leadId, @QueryParam("offset") @DefaultValue("0") int offset,
                                 @QueryParam("limit") @DefaultValue("50") int limit) throws Exception {
        if (offset < 0 || limit < 1 || limit > 200) {
            throw new BadRequestException("offset must be >= 0 and limit between 1 and 200");
        }
        return queries.page(Caller.of(identity), leadId, offset, limit);
    }

    @GET
    @Path("aggregates")
    @Operation(summary = "Per rep or per team: calls, mean and histogram of talk ratio against the 43% reference, "
            + "mean longest monologue, mean questions, mean patience", description = "by=rep (default) or team; "
            + "over the analysed calls the caller may see; since (optional, ISO 8601 with an offset): only calls "
            + "started at or after it, e.g. this week's.")
    public CallQueries.Aggregates aggregates(@QueryParam("by") @DefaultValue("rep") String by,
                                             @QueryParam("since") String since) throws Exception {
        if (!"rep".equals(by) && !"team".equals(by)) {
            throw new BadRequestException("by must be rep or team; got \"" + by + "\"");
        }
        return queries.aggregates(Caller.of(identity), by, CallIntake.time("since", since));
    }

    @GET
    @Path("{id}")
    @Operation(summary = "A call: its utterances in time order (index, speaker, role, startMs, endMs, text) and its "
            + "analysis (metrics, participants, tone per utterance and curves, tracker hits, warnings, win odds)",
            description = "404 no such call; 403 when the call's lead is not the caller's to see.")
    public CallQueries.Detail get(@PathParam("id") String id) throws Exception {
        return queries.find(Caller.of(identity), id).orElseThrow(() -> new NotFoundException("No call " + id));
    }

    @POST
    @Consumes({MediaType.APPLICATION_JSON, VTT, MediaType.TEXT_PLAIN})
    @Operation(summary = "Send a call transcript: JSON utterances, WebVTT (text/vtt) or diarised segment JSON",
            description = "JSON: {\"leadId\", \"utterances\": [{speaker, role: rep|prospect|other, startMs, endMs, "
                    + "text}], id?, dealId?, ownerId?, title?, startedAt?}. WebVTT and {\"segments\": [...]}: the "
                    + "call's fields as query parameters (leadId required) and speaker roles in roles= or the "
                    + "X-Closer-Speaker-Roles header, as Name:role,Name:role or a JSON object; defaultRole for the "
                    + "rest. The transcript is checked (400 naming the utterance, segment or line), published as "
                    + "closer.call.transcribed to Kafka and analysed in the background: 202 with the call id. A rep "
                    + "may send calls of their own leads only.")
    public Response post(byte[] body, @HeaderParam("Content-Type") String contentType,
                         @QueryParam("leadId") String leadId, @QueryParam("callId") String callId,
                         @QueryParam("dealId") String dealId, @QueryParam("ownerId") String ownerId,
                         @QueryParam("title") String title, @QueryParam("startedAt") String startedAt,
                         @QueryParam("roles") String roles, @HeaderParam(CallIntake.ROLES_HEADER) String rolesHeader,
                         @QueryParam("defaultRole") String defaultRole) throws InvalidTranscriptException {
        long max = config.calls().maxTranscriptSize().asLongValue();
        if (body != null && body.length > max) {
            return Problem.of(Response.Status.REQUEST_ENTITY_TOO_LARGE, "A transcript is at most " + max
                    + " bytes; this one has " + body.length).withInstance("/api/v1/calls").response().build();
        }
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        CrmEvent event = intake.event(contentType, text, new CallIntake.Meta(callId, leadId, dealId, ownerId, title,
                startedAt), roles != null ? roles : rolesHeader, defaultRole);
        CallTranscribedData data = event.data(CallTranscribedData.class);
        Caller caller = Caller.of(identity);
        if (!caller.isAdmin() && !caller.isManager()) {
            // A rep: only calls of a lead they can see (403), that exists (404).
            leads.find(caller, data.leadId()).orElseThrow(() -> new NotFoundException("No lead " + data.leadId()));
        }
        kafka.crmEvents().publish(List.of(event), config.ingest().publishTimeout());
        return Response.accepted(new Accepted(data.id(), event.id(), data.utterances().size())).build();
    }

    @GET
    @Path("trackers")
    @Operation(summary = "Every tracker: keyword (phrases) and semantic (example sentences, threshold)")
    public List<CallTrackers.View> trackers() throws Exception {
        return trackers.list();
    }

    @POST
    @Path("trackers")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Add a tracker (admins)", description = "{name, kind: keyword|semantic, phrases | examples, "
            + "threshold? (semantic, default 0.70), active?}. It applies to calls analysed from then on.")
    public Response createTracker(CallTrackers.Input input) throws Exception {
        return Response.status(Response.Status.CREATED).entity(trackers.create(input)).build();
    }

    @PUT
    @Path("trackers/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Replace a tracker (admins); built-in ones too, e.g. to deactivate them")
    public CallTrackers.View updateTracker(@PathParam("id") long id, CallTrackers.Input input) throws Exception {
        return trackers.update(id, input).orElseThrow(() -> new NotFoundException("No tracker " + id));
    }

    @DELETE
    @Path("trackers/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Delete a tracker of one's own (admins); 409 for a built-in one")
    public Response deleteTracker(@PathParam("id") long id) throws Exception {
        if (!trackers.delete(id)) {
            throw new NotFoundException("No tracker " + id);
        }
        return Response.noContent().build();
    }
}
