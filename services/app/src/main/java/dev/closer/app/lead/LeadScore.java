package dev.closer.app.lead;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One score a model gave a lead; the history of a lead is all of its rows. */
@Entity
@Table(name = "lead_scores")
public class LeadScore {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "lead_id")
    public String leadId;
    @Column(name = "model_name")
    public String modelName;
    @Column(name = "model_version")
    public String modelVersion;
    public double probability;
    public short score;
    public String grade;
    @JdbcTypeCode(SqlTypes.JSON)
    public List<Map<String, Object>> factors = new ArrayList<>();
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "scored_at")
    public OffsetDateTime scoredAt;
}
