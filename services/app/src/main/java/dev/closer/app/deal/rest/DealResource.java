package dev.closer.app.deal.rest;

import dev.closer.app.auth.Caller;
import dev.closer.app.auth.Roles;
import dev.closer.app.deal.DealQueries;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Deals for the dashboards: the open ones with their latest call's win odds and warnings. */
@Path("/v1/deals")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Deals", description = "Open deals with the latest call's win odds and deal warnings")
@RolesAllowed({Roles.ADMIN, Roles.MANAGER, Roles.REP})
@Blocking
public class DealResource {

    @Inject
    DealQueries queries;
    @Inject
    SecurityIdentity identity;

    @GET
    @Operation(summary = "Open deals the caller may see (a rep their own, a manager their team's, an admin all), "
            + "largest first, with stage, days in stage and the latest analysed call's win odds and warnings",
            description = "status: open (the only one so far: stage not closed_won or closed_lost, not deleted). "
                    + "limit: at most 500.")
    public List<DealQueries.OpenDeal> list(@QueryParam("status") @DefaultValue("open") String status,
                                           @QueryParam("limit") @DefaultValue("200") int limit) throws Exception {
        if (!"open".equals(status)) {
            throw new BadRequestException("status must be open");
        }
        if (limit < 1 || limit > 500) {
            throw new BadRequestException("limit must be between 1 and 500");
        }
        return queries.open(Caller.of(identity), limit);
    }
}
