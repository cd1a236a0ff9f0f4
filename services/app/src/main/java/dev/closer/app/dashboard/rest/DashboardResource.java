package dev.closer.app.dashboard.rest;

import dev.closer.app.auth.Caller;
import dev.closer.app.auth.Roles;
import dev.closer.app.dashboard.DashboardService;
import dev.closer.app.dashboard.LeadTable;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What the web UI's pages read: the lead table and the overview's figures, over the caller's visible leads. */
@Path("/v1/dashboard")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Dashboard", description = "Read models of the web UI: the lead table and the overview")
@RolesAllowed({Roles.ADMIN, Roles.MANAGER, Roles.REP})
public class DashboardResource {

    private static final Set<String> STATUSES = Set.of("open", "converted", "disqualified");

    @Inject
    DashboardService dashboard;
    @Inject
    SecurityIdentity identity;

    @GET
    @Path("leads")
    @Operation(summary = "The lead table: the caller's visible leads with score, grade, change since the previous "
            + "score, owner and last activity; sorted, filtered and paged",
            description = "sort: score, grade, change, owner, lastActivity, scoredAt or name; dir: asc or desc; "
                    + "filters: grade (A-D), owner (user id), status (open, converted, disqualified), q (name, email, "
                    + "id or account contains). owners lists who owns the visible leads, for a filter.")
    public DashboardService.LeadPage leads(@QueryParam("sort") @DefaultValue("score") String sort,
                                           @QueryParam("dir") @DefaultValue("desc") String dir,
                                           @QueryParam("grade") String grade,
                                           @QueryParam("owner") String owner,
                                           @QueryParam("status") String status,
                                           @QueryParam("q") String q,
                                           @QueryParam("offset") @DefaultValue("0") @Min(0) int offset,
                                           @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit) {
        if (LeadTable.sortColumn(sort).isEmpty()) {
            throw new BadRequestException("sort must be one of score, grade, change, owner, lastActivity, scoredAt, "
                    + "name; got '" + sort + "'");
        }
        if (!"asc".equals(dir) && !"desc".equals(dir)) {
            throw new BadRequestException("dir must be asc or desc; got '" + dir + "'");
        }
        String g = null;
        if (grade != null && !grade.isBlank()) {
            g = LeadTable.grade(grade).orElseThrow(() -> new BadRequestException("grade must be A, B, C or D; got '"
                    + grade + "'"));
        }
        String s = blankToNull(status);
        if (s != null && !STATUSES.contains(s)) {
            throw new BadRequestException("status must be open, converted or disqualified; got '" + status + "'");
        }
        return dashboard.leadTable(Caller.of(identity), new LeadTable(sort, "desc".equals(dir), g, blankToNull(owner),
                s, blankToNull(q), offset, limit));
    }

    @GET
    @Path("overview")
    @Operation(summary = "The overview's figures over the caller's visible leads and deals",
            description = "grades: open leads by the grade of their latest score; statuses: leads by status; funnel: "
                    + "deals that reached each stage, with the open ones and their amount; replyTrend: emails sent "
                    + "and replied to per week over the last `weeks` weeks.")
    public DashboardService.Overview overview(@QueryParam("weeks") @DefaultValue("12") @Min(1) @Max(104) int weeks) {
        return dashboard.overview(Caller.of(identity), weeks);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    @GET
    @Path("daily")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "The organisation's per-day figures that the nightly run refreshes (admins)",
            description = "One row per day, oldest first, for the last `days` days that have figures: leads created, "
                    + "converted, disqualified and open, activities, emails sent, replies, scored leads, mean score "
                    + "and leads per grade. Organisation-wide, so only for admins; empty before the first run.")
    public List<DashboardService.Day> daily(@QueryParam("days") @DefaultValue("30") @Min(1) @Max(366) int days) {
        return dashboard.daily(days);
    }
}
