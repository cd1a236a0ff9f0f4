package dev.closer.app.scoring.rest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.auth.Roles;
import dev.closer.app.problem.Problem;
import dev.closer.app.scoring.batch.NightlyRescore;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The nightly rescore: start a run now (admin), follow its progress, its failures, and the model's drift. */
@Path("/v1/batch")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Nightly batch", description = "Rescoring every open lead; drift of the model's inputs and score")
@RolesAllowed({Roles.ADMIN, Roles.MANAGER})
public class BatchResource {

    /** A run and its progress: done = scored + failed; rate in leads per second; ETA from that rate. */
    public record RunView(long id, String trigger, String requestedBy, String status, String night, int total,
                          long scored, long changed, long failed, long done, int chunks, int chunksDone,
                          Double leadsPerSecond, Double etaSeconds, OffsetDateTime createdAt,
                          OffsetDateTime finishedAt, Map<String, Object> summary) {
    }

    /** A lead the run could not score, with the reason. */
    public record FailureView(String leadId, String reason, OffsetDateTime at) {
    }

    @Inject
    NightlyRescore rescore;
    @Inject
    DataSource dataSource;
    @Inject
    ObjectMapper json;
    @Inject
    SecurityIdentity identity;

    @POST
    @Path("runs")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Start a rescore of every open lead now",
            description = "Answers 202 with the run; every instance with closer.batch.enabled works on it. 409 while "
                    + "another run is running.")
    public Response start(@Context UriInfo uri) {
        long id = rescore.start("api", identity.getPrincipal().getName(), null).orElseThrow();
        return Response.accepted(run(id)).location(uri.getAbsolutePathBuilder().path(Long.toString(id)).build())
                .build();
    }

    @GET
    @Path("runs")
    @Operation(summary = "Runs, newest first, with their progress")
    public List<RunView> runs(@QueryParam("limit") @DefaultValue("20") int limit) {
        return query(" order by r.id desc limit ?", Math.max(1, Math.min(limit, 500)));
    }

    @GET
    @Path("runs/{id}")
    @Operation(summary = "One run: total, done, failed, rate, ETA; when finished its summary (counts, drift)")
    public RunView run(@PathParam("id") long id) {
        List<RunView> found = query(" where r.id = ?", id);
        if (found.isEmpty()) {
            throw new NotFoundException("No batch run " + id);
        }
        return found.get(0);
    }

    @POST
    @Path("runs/{id}/cancel")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Cancel a running run", description = "No more of its chunks are claimed; a chunk being "
            + "scored finishes. 409 when the run is not running.")
    public RunView cancel(@PathParam("id") long id) {
        RunView run = run(id);
        if (!rescore.cancel(id)) {
            throw new ClientErrorException("Run " + id + " is " + run.status() + ", not running",
                    Response.Status.CONFLICT);
        }
        return run(id);
    }

    @GET
    @Path("runs/{id}/failures")
    @Operation(summary = "The leads a run could not score, with the reason")
    public List<FailureView> failures(@PathParam("id") long id, @QueryParam("limit") @DefaultValue("100") int limit) {
        run(id);
        return QuarkusTransaction.requiringNew().call(() -> {
            List<FailureView> out = new ArrayList<>();
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "select lead_id, reason, at from batch_failures where run_id = ? order by at, lead_id limit ?")) {
                ps.setLong(1, id);
                ps.setInt(2, Math.max(1, Math.min(limit, 10_000)));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new FailureView(rs.getString(1), rs.getString(2),
                                rs.getObject(3, OffsetDateTime.class)));
                    }
                }
            }
            return out;
        });
    }

    @GET
    @Path("drift")
    @Operation(summary = "Drift of the served model's inputs and score against its training data, from the last "
            + "finished run: PSI per feature, largest first, and whether any reaches closer.batch.drift-alert",
            description = "404 when no run has finished yet.")
    public Map<String, Object> drift() {
        List<RunView> last = query(" where r.status = 'finished' order by r.id desc limit 1");
        if (last.isEmpty() || last.get(0).summary() == null) {
            throw new NotFoundException("No batch run has finished yet; drift is measured by the nightly run");
        }
        RunView run = last.get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> drift = (Map<String, Object>) run.summary().get("drift");
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("runId", run.id());
        out.put("measuredAt", run.finishedAt());
        out.put("modelVersion", run.summary().get("modelVersion"));
        out.putAll(drift);
        return out;
    }

    private List<RunView> query(String where, Object... args) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<RunView> out = new ArrayList<>();
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                    select r.id, r.trigger, r.requested_by, r.status, r.night::text, r.total,
                           coalesce(k.scored, 0), coalesce(k.changed, 0), coalesce(k.failed, 0), coalesce(k.chunks, 0),
                           coalesce(k.done, 0), extract(epoch from coalesce(r.finished_at, now()) - r.created_at),
                           r.created_at, r.finished_at, r.summary::text
                      from batch_runs r left join lateral (
                          select sum(scored) as scored, sum(changed) as changed, sum(failed) as failed,
                                 count(*) as chunks, count(*) filter (where status = 'done') as done
                            from batch_chunks where run_id = r.id) as k on true""" + where)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(view(rs));
                    }
                }
            }
            return out;
        });
    }

    private RunView view(ResultSet rs) throws SQLException {
        long scored = rs.getLong(7);
        long failed = rs.getLong(9);
        long done = scored + failed;
        int total = rs.getInt(6);
        double seconds = rs.getDouble(12);
        Double rate = seconds > 0 && done > 0 ? Math.round(done / seconds * 10) / 10.0 : null;
        boolean running = "running".equals(rs.getString(4));
        Double eta = null;
        if (!running) {
            eta = 0.0;
        } else if (rate != null) {
            eta = Math.round(Math.max(0, total - done) / rate * 10) / 10.0;
        }
        Map<String, Object> summary = null;
        String text = rs.getString(15);
        if (text != null) {
            try {
                summary = json.readValue(text, new TypeReference<>() { });
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("batch_runs.summary is not JSON: " + e.getMessage(), e);
            }
        }
        return new RunView(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), total,
                scored, rs.getLong(8), failed, done, rs.getInt(10), rs.getInt(11), rate, eta,
                rs.getObject(13, OffsetDateTime.class), rs.getObject(14, OffsetDateTime.class), summary);
    }

    @ServerExceptionMapper
    public Response runInProgress(NightlyRescore.RunInProgressException e, UriInfo uri) {
        // The base URI already ends in quarkus.rest.path (/api).
        return new Problem("about:blank", "A run is in progress", 409, e.getMessage(), null, null).withInstance(uri)
                .response().header("Location", uri.getBaseUriBuilder().path("v1/batch/runs")
                        .path(Long.toString(e.runId())).build()).build();
    }
}
