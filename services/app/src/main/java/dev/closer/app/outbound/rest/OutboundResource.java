package dev.closer.app.outbound.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.auth.Roles;
import dev.closer.app.config.SettingChecks;
import dev.closer.app.outbound.OutboundDeliveries;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Outbound webhook subscriptions and their delivery log (admins only): subscribe a URL to score and grade changes
 * (and, as those land, reply intents and analysed calls), see every delivery and attempt, replay a dead delivery.
 * CRM writers' subscriptions (made from the configuration) and their deliveries are listed and replayed here too.
 */
@Path("/v1/outbound")
@Tag(name = "Outbound webhooks", description = "Signed webhooks Closer sends, and CRM writes it makes, when scores "
        + "move")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
public class OutboundResource {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    DataSource dataSource;
    @Inject
    ObjectMapper json;

    /** A new subscription; {@code secret} is generated when absent. */
    public record NewSubscription(@NotNull @Size(max = 2000) String url, @Size(min = 16, max = 200) String secret,
                                  @NotEmpty Set<String> events, @Min(1) Integer minPoints,
                                  @Size(max = 500) String description) {
    }

    /**
     * A subscription; the secret is shown once, when it is created. A CRM writer's ({@code writer}: its webhook
     * source) has no URL and no secret: it is made from the configuration, and its credentials stay there.
     */
    public record Subscription(long id, String url, String writer, List<String> events, int minPoints, boolean active,
                               String description, OffsetDateTime createdAt, String secret) {
    }

    public record Attempt(int attempt, OffsetDateTime at, Integer statusCode, String error, int millis) {
    }

    /** A delivery; {@code log} (every attempt) is given for one delivery, not in the list. */
    public record Delivery(long id, long subscriptionId, String eventId, String eventType, String status,
                           int attempts, OffsetDateTime nextAttemptAt, Integer lastStatus, String lastError,
                           OffsetDateTime createdAt, OffsetDateTime deliveredAt, JsonNode payload,
                           @JsonInclude(JsonInclude.Include.NON_NULL) List<Attempt> log) {

        Delivery withLog(List<Attempt> attempts) {
            return new Delivery(id, subscriptionId, eventId, eventType, status, this.attempts, nextAttemptAt,
                    lastStatus, lastError, createdAt, deliveredAt, payload, attempts);
        }
    }

    private static final String DELIVERY_COLUMNS = """
            id, subscription_id, event_id, event_type, status, attempts, next_attempt_at, last_status, last_error,
            created_at, delivered_at, payload::text""";

    @POST
    @Path("subscriptions")
    @Operation(summary = "Subscribe a URL", description = "events: " + "lead.score.changed (min-points, default 10), "
            + "lead.grade.changed, email.reply.classified, call.analysed. Deliveries are POSTed as JSON signed in "
            + "X-Closer-Signature with the secret (shown only in this response).")
    public Response subscribe(@Valid @NotNull NewSubscription s) throws SQLException {
        if (SettingChecks.httpUrl(s.url()).isEmpty()) {
            throw new BadRequestException("url: must be an absolute http(s) URL");
        }
        List<String> unknown = s.events().stream().filter(e -> !OutboundDeliveries.EVENTS.contains(e)).toList();
        if (!unknown.isEmpty()) {
            throw new BadRequestException("events: unknown " + unknown + "; known: " + OutboundDeliveries.EVENTS);
        }
        String secret = s.secret() != null ? s.secret() : "whsec_" + HexFormat.of().formatHex(random(24));
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("""
                     insert into webhook_subscriptions (url, secret, events, min_points, description)
                     values (?, ?, ?, ?, ?) returning id""")) {
            ps.setString(1, s.url());
            ps.setString(2, secret);
            ps.setArray(3, c.createArrayOf("text", s.events().stream().sorted().toArray()));
            ps.setInt(4, s.minPoints() == null ? 10 : s.minPoints());
            ps.setString(5, s.description());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Subscription created = subscription(c, rs.getLong(1));
                return Response.status(Response.Status.CREATED).entity(new Subscription(created.id(), created.url(),
                        null, created.events(), created.minPoints(), created.active(), created.description(),
                        created.createdAt(), secret)).build();
            }
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    @GET
    @Path("subscriptions")
    public List<Subscription> subscriptions() throws SQLException {
        List<Subscription> all = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select " + SUBSCRIPTION_COLUMNS
                     + " from webhook_subscriptions order by id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                all.add(subscription(rs));
            }
        }
        return all;
    }

    private static final String SUBSCRIPTION_COLUMNS =
            "id, url, writer, events, min_points, active, description, created_at";

    private static Subscription subscription(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("select " + SUBSCRIPTION_COLUMNS
                + " from webhook_subscriptions where id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("No subscription " + id);
                }
                return subscription(rs);
            }
        }
    }

    private static Subscription subscription(ResultSet rs) throws SQLException {
        Array events = rs.getArray(4);
        return new Subscription(rs.getLong(1), rs.getString(2), rs.getString(3), List.of((String[]) events.getArray()),
                rs.getInt(5), rs.getBoolean(6), rs.getString(7), rs.getObject(8, OffsetDateTime.class), null);
    }

    @DELETE
    @Path("subscriptions/{id}")
    @Operation(summary = "Stop a subscription", description = "Nothing more is queued or sent for it; its log "
            + "is kept. A CRM writer's subscription follows the configuration (409 here): set "
            + "closer.webhooks.sources.<source>.writer.enabled=false.")
    public Response unsubscribe(@PathParam("id") long id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Subscription s = subscription(c, id);
            if (s.writer() != null) {
                throw new ClientErrorException("Subscription " + id + " is the CRM writer of source " + s.writer()
                        + ", which follows the configuration: set closer.webhooks.sources." + s.writer()
                        + ".writer.enabled=false", Response.Status.CONFLICT);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "update webhook_subscriptions set active = false where id = ?")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            }
        }
        return Response.noContent().build();
    }

    @GET
    @Path("deliveries")
    @Operation(summary = "The delivery log", description = "Newest first; filter by subscription and status "
            + "(pending, delivered, dead, skipped: a CRM write not made because its lead was deleted or merged, or "
            + "a newer score of the lead was queued).")
    public List<Delivery> deliveries(@QueryParam("subscription") Long subscription,
                                     @QueryParam("status") String status,
                                     @QueryParam("limit") @DefaultValue("100") int limit) throws SQLException {
        if (status != null && !Set.of("pending", "delivered", "dead", "skipped").contains(status)) {
            throw new BadRequestException("status: must be pending, delivered, dead or skipped");
        }
        List<Delivery> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select " + DELIVERY_COLUMNS + """
                      from webhook_deliveries
                     where (?::bigint is null or subscription_id = ?) and (?::text is null or status = ?)
                     order by id desc limit ?""")) {
            ps.setObject(1, subscription, java.sql.Types.BIGINT);
            ps.setObject(2, subscription, java.sql.Types.BIGINT);
            ps.setString(3, status);
            ps.setString(4, status);
            ps.setInt(5, Math.max(1, Math.min(limit, 1000)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(delivery(rs));
                }
            }
        }
        return out;
    }

    @GET
    @Path("deliveries/{id}")
    public Delivery delivery(@PathParam("id") long id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return delivery(c, id);
        }
    }

    private Delivery delivery(Connection c, long id) throws SQLException {
        Delivery delivery;
        try (PreparedStatement ps = c.prepareStatement("select " + DELIVERY_COLUMNS
                + " from webhook_deliveries where id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new NotFoundException("No delivery " + id);
                }
                delivery = delivery(rs);
            }
        }
        List<Attempt> log = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select attempt, at, status_code, error, millis from webhook_attempts
                 where delivery_id = ? order by id""")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    log.add(new Attempt(rs.getInt(1), rs.getObject(2, OffsetDateTime.class),
                            (Integer) rs.getObject(3), rs.getString(4), rs.getInt(5)));
                }
            }
        }
        return delivery.withLog(log);
    }

    private Delivery delivery(ResultSet rs) throws SQLException {
        try {
            return new Delivery(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                    rs.getInt(6), rs.getObject(7, OffsetDateTime.class), (Integer) rs.getObject(8), rs.getString(9),
                    rs.getObject(10, OffsetDateTime.class), rs.getObject(11, OffsetDateTime.class),
                    json.readTree(rs.getString(12)), null);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SQLException("webhook_deliveries.payload is not JSON: " + e.getMessage(), e);
        }
    }

    @POST
    @Path("deliveries/{id}/replay")
    @Operation(summary = "Replay a dead delivery", description = "It is sent again now, with a fresh set of "
            + "attempts; 409 when it is not dead.")
    public Response replay(@PathParam("id") long id) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Delivery d = delivery(c, id);
            try (PreparedStatement ps = c.prepareStatement("""
                    update webhook_deliveries set status = 'pending', attempts = 0, next_attempt_at = now()
                     where id = ? and status = 'dead'""")) {
                ps.setLong(1, id);
                if (ps.executeUpdate() == 0) {
                    throw new ClientErrorException("Delivery " + id + " is " + d.status() + "; only a dead delivery "
                            + "is replayed", Response.Status.CONFLICT);
                }
            }
            return Response.accepted(delivery(c, id)).build();
        }
    }
}
