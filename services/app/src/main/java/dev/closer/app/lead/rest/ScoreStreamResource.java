package dev.closer.app.lead.rest;

import dev.closer.app.auth.Caller;
import dev.closer.app.auth.Roles;
import dev.closer.app.lead.LeadService;
import dev.closer.app.lead.stream.ScoreFeed;
import dev.closer.app.lead.stream.StreamTokens;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotAuthorizedException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * Newly scored leads as server-sent events, for the live dashboard. EventSource cannot send headers, so the
 * stream is opened with a short-lived token from {@code POST stream-token} (see {@link StreamTokens}), never
 * with the API key itself.
 */
@Path("/v1/leads/scores")
@Tag(name = "Leads", description = "Leads with their scores")
public class ScoreStreamResource {

    @Inject
    StreamTokens tokens;
    @Inject
    ScoreFeed feed;
    /** How long one stream stays open (the UI opens the next one with a fresh token). */
    static final Duration STREAM_LIFETIME = Duration.ofMinutes(10);

    @Inject
    LeadService leads;
    @Inject
    SecurityIdentity identity;

    @POST
    @Path("stream-token")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.MANAGER, Roles.REP})
    @Operation(summary = "A short-lived token that opens the score stream as the key's user",
            description = "Valid for closer.ui.stream-token-ttl (60 s) to open GET stream?token=...; the stream stays "
                    + "open after that, for at most 10 minutes. expiresAt is in epoch milliseconds.")
    public StreamTokens.Token token() {
        return tokens.issue(Caller.of(identity));
    }

    @GET
    @Path("stream")
    @PermitAll
    @Blocking
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Leads as they are scored (server-sent events), those the token's user may see",
            description = "Each event is a JSON score change: leadId, name, ownerId, score, grade, previousScore, "
                    + "previousGrade, model, scoredAt. Open it with ?token= from POST stream-token; 401 without a "
                    + "valid one.")
    public Multi<ScoreFeed.ScoreChange> stream(@QueryParam("token") String token) {
        Caller caller = tokens.verify(token).orElseThrow(() -> new NotAuthorizedException(
                "The stream token is missing, invalid or expired: get one from POST "
                        + "/api/v1/leads/scores/stream-token with your API key.", "Bearer realm=\"closer\""));
        List<String> owners = leads.visibleOwners(caller);
        // The caller and their team were checked when it opened: close it after a while, so that the UI reconnects
        // with a new token and a revoked key or a changed team takes effect.
        return feed.stream(c -> owners == null || (c.ownerId() != null && owners.contains(c.ownerId())))
                .select().first(STREAM_LIFETIME);
    }
}
