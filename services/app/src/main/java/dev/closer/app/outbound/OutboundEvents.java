package dev.closer.app.outbound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Events other than score changes (a reply classified, a call analysed) queued for webhook subscriptions: one
 * delivery per active subscription to the event, in the caller's transaction, so the event is sent exactly when what it
 * reports is committed. {@link OutboundDeliveries} sends them like every other delivery.
 */
public final class OutboundEvents {

    private OutboundEvents() {
    }

    /** The body every outbound event has: {@code {"id", "type": "closer.<event>", "time", "data"}}. */
    public static ObjectNode envelope(String event, String eventId, String time, ObjectNode data) {
        ObjectNode payload = data.objectNode();
        payload.put("id", eventId);
        payload.put("type", "closer." + event);
        payload.put("time", time);
        payload.set("data", data);
        return payload;
    }

    /**
     * @param event   the event's name as subscriptions list it, e.g. {@code email.reply.classified}
     * @param eventId unique per event: a second enqueue of the same id adds nothing
     * @param data    the body's {@code data}; the envelope ({@code id}, {@code type} = closer.&lt;event&gt;,
     *                {@code time}) is added here
     */
    public static void enqueue(Connection c, String event, String eventId, ObjectNode data) throws SQLException {
        ObjectNode payload = envelope(event, eventId, OffsetDateTime.now(ZoneOffset.UTC).toString(), data);
        try (PreparedStatement ps = c.prepareStatement("""
                insert into webhook_deliveries (subscription_id, event_id, event_type, payload)
                select s.id, ?, ?, ?::jsonb from webhook_subscriptions s
                 where s.active and s.writer is null and ? = any (s.events)
                on conflict do nothing""")) {
            ps.setString(1, eventId);
            ps.setString(2, event);
            ps.setString(3, payload.toString());
            ps.setString(4, event);
            ps.executeUpdate();
        }
    }
}
