package dev.closer.app.email.rest;

import dev.closer.app.auth.Roles;
import dev.closer.app.email.SequenceStats;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Sequence A/B analytics: reply and positive-reply rates per step and variant, with the verdict of each test. */
@Path("/v1/sequences")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Sequences", description = "Email sequences: reply rates per step and variant, and their A/B tests")
@RolesAllowed({Roles.ADMIN, Roles.MANAGER, Roles.REP})
public class SequenceResource {

    @Inject
    SequenceStats stats;

    @GET
    @Operation(summary = "Every sequence with sends: totals, reply and positive-reply rates with Wilson intervals, and "
            + "how many of its step tests have a significant winner")
    public List<SequenceStats.Summary> sequences() {
        return stats.sequences();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One sequence: per step and variant, sends, replies and positive replies with intervals; each "
            + "variant tested against the step's control (variant A) on both rates",
            description = "Each comparison gives the difference in points, the p-value of the two-proportion test "
                    + "(chi-square of the 2x2 table), the Bayesian probability that the variant beats the control "
                    + "(uniform priors), the sends per variant a test of the observed difference needs at the "
                    + "configured power, and the verdict. A reply is any reply but an out-of-office; a positive reply "
                    + "is one classified interested. Counts are refreshed every closer.emails.stats-refresh "
                    + "(refreshedAt).")
    public SequenceStats.Detail sequence(@PathParam("id") String id) {
        return stats.sequence(id).orElseThrow(() -> new NotFoundException("No sends of a sequence '" + id + "'"));
    }

    @POST
    @Path("refresh")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Refresh the stored counts now (they are also refreshed on a schedule)")
    public Map<String, Object> refresh() {
        return Map.of("refreshed", stats.refresh());
    }
}
