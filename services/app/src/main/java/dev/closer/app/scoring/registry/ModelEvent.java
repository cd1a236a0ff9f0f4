package dev.closer.app.scoring.registry;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** One line of the registry's audit trail: who did what to which version, and when. */
@Entity
@Table(name = "model_events")
public class ModelEvent {

    public static final String REGISTERED = "registered";
    public static final String VALIDATED = "validated";
    public static final String INVALIDATED = "invalidated";
    public static final String ACTIVATED = "activated";
    public static final String ROLLED_BACK = "rolled_back";
    public static final String ACTIVATION_FAILED = "activation_failed";
    public static final String SHADOWED = "shadowed";
    public static final String UNSHADOWED = "unshadowed";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "model_name")
    public String modelName;
    public String version;
    public String action;
    /** The version active (or shadowed) before, for activations, rollbacks and shadows. */
    @Column(name = "from_version")
    public String fromVersion;
    /** The user id behind the API key, or {@code system} for what the app does at start-up. */
    public String actor;
    public String detail;
    @Column(insertable = false, updatable = false)
    public OffsetDateTime at;
}
