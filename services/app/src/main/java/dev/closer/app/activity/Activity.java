package dev.closer.app.activity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** Something a lead did or that happened to them. Append-only. */
@Entity
@Table(name = "activities")
public class Activity {

    @Id
    public String id;
    @Column(name = "lead_id")
    public String leadId;
    public String type;
    @Column(name = "occurred_at")
    public OffsetDateTime occurredAt;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> properties = new HashMap<>();
    @Column(name = "event_id")
    public String eventId;
}
