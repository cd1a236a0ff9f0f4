package dev.closer.app.scoring;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A model version known to this installation; its files are in {@code model_files}. */
@Entity
@Table(name = "models")
public class Model {

    public static final String REGISTERED = "registered";
    public static final String VALIDATED = "validated";
    public static final String INVALID = "invalid";
    public static final String SHADOW = "shadow";
    public static final String ACTIVE = "active";
    public static final String RETIRED = "retired";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String name;
    public String version;
    /** Hex SHA-256 of {@code model.onnx}. */
    public String sha256;
    /**
     * registered (stored, not validated), validated (loads, parity passes), invalid (does not), shadow (scores
     * beside the active version, results kept apart), active (serves), retired (served before).
     */
    public String status;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> metrics;
    public String card;
    /** bundled (shipped in the app or closer.models.dir) or upload (POST /api/v1/models). */
    public String source;
    @Column(name = "registered_by")
    public String registeredBy;
    /** The last validation's result: passed, lines, failed, maxDiff, tolerance, failures, error, device. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> validation;
    @Column(name = "validated_at")
    public OffsetDateTime validatedAt;
    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;
    @Column(name = "activated_at")
    public OffsetDateTime activatedAt;

    public String id() {
        return name + "/" + version;
    }

    /** Whether the last validation passed (a version must have passed to serve or shadow). */
    public boolean validationPassed() {
        return validation != null && Boolean.TRUE.equals(validation.get("passed"));
    }
}
