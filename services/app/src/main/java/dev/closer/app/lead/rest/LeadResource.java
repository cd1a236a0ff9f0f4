package dev.closer.app.lead.rest;

import dev.closer.app.auth.Caller;
import dev.closer.app.auth.Roles;
import dev.closer.app.email.OptOuts;
import dev.closer.app.lead.LeadService;
import dev.closer.app.lead.LeadTimeline;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1/leads")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Leads", description = "Leads with their scores")
@RolesAllowed({Roles.ADMIN, Roles.MANAGER, Roles.REP})
public class LeadResource {

    @Inject
    LeadService leads;
    @Inject
    OptOuts optOuts;
    @Inject
    SecurityIdentity identity;

    /** A page of leads and the cursor for the next one. */
    public record Page(List<LeadView> items, String next) {
    }

    @GET
    @Operation(summary = "Leads the caller may see, in id order (keyset paging: pass next as after)")
    public Page list(@QueryParam("after") String after,
                     @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit) {
        List<LeadView> items = leads.page(Caller.of(identity), after, limit);
        return new Page(items, items.size() == limit ? items.get(items.size() - 1).id() : null);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A lead with its latest score")
    public LeadView get(@PathParam("id") String id) {
        return leads.find(Caller.of(identity), id).orElseThrow(() -> notFound(id));
    }

    @GET
    @Path("/{id}/scores")
    @Operation(summary = "A lead's score history, newest first")
    public List<LeadView.ScoreView> scores(@PathParam("id") String id,
                                           @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit) {
        return leads.history(Caller.of(identity), id, limit).orElseThrow(() -> notFound(id));
    }

    @GET
    @Path("/{id}/activities")
    @Operation(summary = "A lead's timeline, newest first: activities, emails sent to it, its replies and calls",
            description = "before (ISO-8601) pages back: pass the oldest entry's time.")
    public List<LeadTimeline.Entry> activities(@PathParam("id") String id, @QueryParam("before") OffsetDateTime before,
                                               @QueryParam("limit") @DefaultValue("100") @Min(1) @Max(500) int limit) {
        return leads.timeline(Caller.of(identity), id, before == null ? OffsetDateTime.now().plusYears(100) : before,
                limit).orElseThrow(() -> notFound(id));
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("No lead " + id);
    }

    @GET
    @Path("/{id}/opt-outs")
    @Operation(summary = "Every change Closer made to the lead's do-not-email state, newest first, with why")
    public OptOuts.State optOuts(@PathParam("id") String id) {
        leads.find(Caller.of(identity), id).orElseThrow(() -> new NotFoundException("No lead " + id));
        return optOuts.state(id);
    }

    @DELETE
    @Path("/{id}/opt-out")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Lift Closer's opt-out of the lead (the CRM's own do-not-email stays as the CRM says); the "
            + "reason is recorded")
    public OptOuts.State lift(@PathParam("id") String id, @QueryParam("reason") String reason) {
        if (reason == null || reason.isBlank()) {
            throw new BadRequestException("reason is required: say why the opt-out is lifted");
        }
        leads.find(Caller.of(identity), id).orElseThrow(() -> new NotFoundException("No lead " + id));
        optOuts.lift(id, reason.strip(), identity.getPrincipal().getName());
        return optOuts.state(id);
    }
}
