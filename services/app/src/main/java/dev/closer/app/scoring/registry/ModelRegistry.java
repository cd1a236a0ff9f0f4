package dev.closer.app.scoring.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.config.CloserConfig;
import dev.closer.app.scoring.Model;
import dev.closer.app.scoring.ModelRepository;
import dev.closer.inference.ExecutionDevice;
import dev.closer.inference.InferenceException;
import dev.closer.inference.InferenceOptions;
import dev.closer.inference.ModelBundle;
import dev.closer.inference.tabular.ParityCheck;
import dev.closer.inference.tabular.TabularModel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.apache.commons.codec.digest.DigestUtils;
import org.jboss.logging.Logger;

/**
 * The model registry: versions and their files in PostgreSQL, their lifecycle (registered → validated | invalid →
 * shadow → active → retired), and the models this instance serves.
 *
 * <p>For each served model name the instance holds the active version (and a shadow version, if any) loaded in
 * ONNX Runtime, each in a {@link LeaseSlot}: scoring leases the model for one run, and a swap puts the new model
 * in the slot while runs in flight finish on the old one, which closes when its last lease ends. A version is
 * loaded and checked against its parity file before it is swapped in, so a broken file never replaces a working
 * model. Activation on one instance reaches the others through the {@code models} table, which each instance
 * polls ({@code closer.models.poll-interval}).
 */
@ApplicationScoped
public class ModelRegistry {

    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);

    /** The actor of what the app does by itself (start-up registration, the first activation). */
    public static final String SYSTEM = "system";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String NO_PARITY = "no " + ParityCheck.FILE;

    @Inject
    CloserConfig config;
    @Inject
    ModelRepository models;
    @Inject
    EntityManager em;
    @Inject
    ObjectMapper json;
    @Inject
    MeterRegistry meters;

    private final Map<String, Served> served = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    /** A version loaded in ONNX Runtime. */
    public record Loaded(String name, String version, String sha256, TabularModel model) implements AutoCloseable {
        public String id() {
            return name + "/" + version;
        }

        @Override
        public void close() {
            model.close();
            LOG.infof("Model %s closed", id());
        }
    }

    /** One scoring run's hold on a loaded model; close it when the run is done (try-with-resources). */
    public static final class Lease implements AutoCloseable {
        private final LeaseSlot.Lease<Loaded> lease;

        Lease(LeaseSlot.Lease<Loaded> lease) {
            this.lease = lease;
        }

        public TabularModel model() {
            return lease.value().model();
        }

        public String name() {
            return lease.value().name();
        }

        public String version() {
            return lease.value().version();
        }

        @Override
        public void close() {
            lease.close();
        }
    }

    /** A version that could not be loaded here: {@code key} is "slot:version@sha256". */
    record Failure(String key, String reason) {
    }

    /** What the database says a name's active and shadow versions are. */
    record Wanted(String active, String activeSha, String shadow, String shadowSha) {
    }

    /** A model name this instance serves. */
    static final class Served {
        final String name;
        final String fallbackVersion;
        final LeaseSlot<Loaded> active = new LeaseSlot<>();
        final LeaseSlot<Loaded> shadow = new LeaseSlot<>();
        /** By slot: the version that failed to load here and why, so polling does not retry it every time. */
        final Map<String, Failure> failed = new ConcurrentHashMap<>();
        volatile Wanted wanted;

        Served(String name, String fallbackVersion) {
            this.name = name;
            this.fallbackVersion = fallbackVersion;
        }
    }

    /** The outcome of loading a version and checking it against its parity file. */
    private record Checked(TabularModel model, ParityCheck.Result parity, String error, ExecutionDevice device) {
        boolean ok() {
            return error == null && (parity == null || parity.passed());
        }

        String why() {
            return error != null ? error : parity.summary();
        }
    }

    // ------------------------------------------------------------------------------------------------ serving

    /** A lease on the active version of {@code name}; fails when this instance does not serve it. */
    public Lease lease(String name) {
        Served s = served.get(name);
        return new Lease((s == null ? Optional.<LeaseSlot.Lease<Loaded>>empty() : s.active.lease())
                .orElseThrow(() -> new InferenceException("Model " + name + " is not loaded on this instance")));
    }

    /** A lease on the shadow version of {@code name}, when there is one. */
    public Optional<Lease> leaseShadow(String name) {
        Served s = served.get(name);
        return s == null ? Optional.empty() : s.shadow.lease().map(Lease::new);
    }

    public boolean hasShadow(String name) {
        Served s = served.get(name);
        return s != null && s.shadow.peek().isPresent();
    }

    /** The version this instance serves for {@code name}. */
    public Optional<String> servingVersion(String name) {
        Served s = served.get(name);
        return s == null ? Optional.empty() : s.active.peek().map(Loaded::version);
    }

    public Optional<String> shadowVersion(String name) {
        Served s = served.get(name);
        return s == null ? Optional.empty() : s.shadow.peek().map(Loaded::version);
    }

    /**
     * The active version the registry named at the last look, when this instance serves another one (it failed
     * to load here, or the swap is under way); empty when they agree.
     */
    public Optional<String> pendingVersion(String name) {
        Served s = served.get(name);
        if (s == null || s.wanted == null || s.wanted.active() == null) {
            return Optional.empty();
        }
        return Objects.equals(s.wanted.active(), servingVersion(name).orElse(null)) ? Optional.empty()
                : Optional.of(s.wanted.active());
    }

    /** Why the version the registry names for {@code name} could not be loaded here, if it could not. */
    public Optional<String> loadFailure(String name) {
        Served s = served.get(name);
        return s == null ? Optional.empty() : s.failed.values().stream().map(Failure::reason).findFirst();
    }

    /**
     * Starts serving {@code name}: activates {@code defaultVersion} when no version is active yet, loads the active
     * version (and the shadow, if any) and polls for changes made by other instances. When the active version
     * cannot be loaded here, {@code defaultVersion} serves instead and the failure is logged and shown in health.
     */
    public void serve(String name, String defaultVersion) {
        Served s = new Served(name, defaultVersion);
        lock(name).lock();
        try {
            QuarkusTransaction.requiringNew().run(() -> bootstrap(name, defaultVersion));
            Wanted wanted = wanted(name);
            s.wanted = wanted;
            Loaded active;
            try {
                active = loadChecked(name, wanted.active());
            } catch (RuntimeException e) {
                if (defaultVersion.equals(wanted.active())) {
                    throw e;
                }
                LOG.errorf("Active model %s/%s could not be loaded on this instance; serving %s/%s instead until it "
                        + "can: %s", name, wanted.active(), name, defaultVersion, e.getMessage());
                s.failed.put("active", new Failure("active:" + wanted.active() + "@" + wanted.activeSha(),
                        e.getMessage()));
                active = loadChecked(name, defaultVersion);
            }
            s.active.set(active);
            if (wanted.shadow() != null) {
                try {
                    s.shadow.set(loadChecked(name, wanted.shadow()));
                } catch (RuntimeException e) {
                    LOG.errorf("Shadow model %s/%s could not be loaded, not shadowing: %s", name, wanted.shadow(),
                            e.getMessage());
                }
            }
            served.put(name, s);
        } finally {
            lock(name).unlock();
        }
    }

    private void bootstrap(String name, String defaultVersion) {
        advisoryLock(name);
        if (models.active(name).isPresent()) {
            return;
        }
        Model row = models.findVersion(name, defaultVersion).orElseThrow(() -> new IllegalStateException(
                "No version of " + name + " is active and " + defaultVersion + " is not registered"));
        String why = validationError(row);
        if (!row.validationPassed() && !why.startsWith(NO_PARITY)) {
            throw new IllegalStateException("Model " + row.id() + " failed validation and cannot be the first "
                    + "active version: " + why);
        }
        if (!row.validationPassed()) {
            LOG.warnf("Model %s has no %s, so it cannot be validated; activating it anyway as the first version "
                    + "of %s", row.id(), ParityCheck.FILE, name);
        }
        row.status = Model.ACTIVE;
        row.activatedAt = OffsetDateTime.now();
        event(name, defaultVersion, ModelEvent.ACTIVATED, null, SYSTEM,
                "first active version (closer.models." + name + "-version)");
        LOG.infof("Activated %s: no version of %s was active", row.id(), name);
    }

    /** Brings every served name in line with the registry (other instances may have activated a version). */
    @Scheduled(identity = "model-registry-poll", every = "${closer.models.poll-interval}",
            delayed = "${closer.models.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        for (Served s : served.values()) {
            try {
                sync(s);
            } catch (RuntimeException e) {
                LOG.warnf("Could not check the registry for %s: %s", s.name, e.getMessage());
            }
        }
    }

    /** Swaps in the active and shadow versions the registry names, when they differ from what serves here. */
    public void sync(String name) {
        Served s = served.get(name);
        if (s != null) {
            sync(s);
        }
    }

    private void sync(Served s) {
        lock(s.name).lock();
        try {
            Wanted wanted = wanted(s.name);
            s.wanted = wanted;
            if (wanted.active() != null && !wanted.active().equals(servingVersion(s.name).orElse(null))) {
                swapIn(s, s.active, "active", wanted.active(), wanted.activeSha());
            }
            String shadow = shadowVersion(s.name).orElse(null);
            if (wanted.shadow() == null && shadow != null) {
                s.shadow.clear();
                LOG.infof("Stopped shadowing %s/%s", s.name, shadow);
            } else if (wanted.shadow() != null && !wanted.shadow().equals(shadow)) {
                swapIn(s, s.shadow, "shadow", wanted.shadow(), wanted.shadowSha());
            }
        } finally {
            lock(s.name).unlock();
        }
    }

    private void swapIn(Served s, LeaseSlot<Loaded> slot, String role, String version, String sha) {
        String key = role + ":" + version + "@" + sha;
        Failure failure = s.failed.get(role);
        if (failure != null && failure.key().equals(key)) {
            return;
        }
        try {
            Loaded loaded = loadChecked(s.name, version);
            slot.set(loaded);
            s.failed.remove(role);
            swaps(s.name, role, "success").increment();
            LOG.infof("Now serving %s/%s as the %s version (activated elsewhere)", s.name, version, role);
        } catch (RuntimeException e) {
            s.failed.put(role, new Failure(key, e.getMessage()));
            swaps(s.name, role, "failure").increment();
            LOG.errorf("Model %s/%s could not be loaded here, keeping %s: %s", s.name, version,
                    slot.peek().map(Loaded::version).orElse("none"), e.getMessage());
        }
    }

    /** Closes the loaded models once their last runs are over. */
    public void shutdown() {
        for (Served s : served.values()) {
            s.active.clear();
            s.shadow.clear();
        }
        served.clear();
    }

    // ------------------------------------------------------------------------------------------- registering

    /**
     * Registers an uploaded bundle as a new version (status registered). The name and version come from its
     * {@code features.json}.
     */
    public Model register(Map<String, byte[]> files, String actor) {
        BundleFiles.checked(files);
        ModelBundle bundle = parse(files, "the upload");
        return QuarkusTransaction.requiringNew().call(() -> {
            advisoryLock(bundle.name());
            Optional<Model> existing = models.findVersion(bundle.name(), bundle.version());
            if (existing.isPresent()) {
                throw RegistryException.conflict(bundle.id() + " is already registered (model.onnx sha256 "
                        + existing.get().sha256 + ", status " + existing.get().status + "); a changed model needs "
                        + "a new version in its features.json.");
            }
            Model row = insert(bundle, files, "upload", actor);
            LOG.infof("Registered %s (sha256 %s) uploaded by %s", row.id(), row.sha256.substring(0, 12), actor);
            return row;
        });
    }

    /**
     * Registers a bundle shipped with the app (or found in {@code closer.models.dir}) when it is new, and checks
     * it otherwise: a registered version whose {@code model.onnx} changed is refused (a changed model needs a new
     * version); other changed files (labels in {@code features.json}, the card) replace the stored copies. A
     * version not validated yet is validated.
     *
     * @return the version
     */
    public String registerBundled(Map<String, byte[]> files, String where) {
        ModelBundle bundle = parse(files, where);
        boolean validate = QuarkusTransaction.requiringNew().call(() -> {
            advisoryLock(bundle.name());
            Model row = models.findVersion(bundle.name(), bundle.version()).orElse(null);
            if (row == null) {
                insert(bundle, files, "bundled", SYSTEM);
                return true;
            }
            if (!row.sha256.equals(bundle.sha256())) {
                throw new IllegalStateException("Model " + bundle.id() + " is registered with sha256 " + row.sha256
                        + " but the file to serve has " + bundle.sha256()
                        + ": a changed model needs a new version, so history stays traceable");
            }
            Map<String, String> stored = fileHashes(row.id);
            List<String> changed = new ArrayList<>();
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                if (!DigestUtils.sha256Hex(f.getValue()).equals(stored.get(f.getKey()))) {
                    storeFile(row.id, f.getKey(), f.getValue());
                    changed.add(f.getKey());
                }
            }
            if (!changed.isEmpty()) {
                LOG.warnf("Model %s: %s differ from the registry's copies (%s); the registry now holds the ones "
                        + "from %s", bundle.id(), changed, stored.isEmpty() ? "none stored yet" : "same model.onnx",
                        where);
                row.metrics = bundle.metrics().map(m -> json.convertValue(m,
                        new TypeReference<Map<String, Object>>() { })).orElse(row.metrics);
                row.card = bundle.card().orElse(row.card);
                row.validation = null;
            }
            return row.validation == null;
        });
        if (validate) {
            validate(bundle.name(), bundle.version(), SYSTEM);
        }
        return bundle.version();
    }

    private ModelBundle parse(Map<String, byte[]> files, String where) {
        ModelBundle bundle;
        try {
            bundle = ModelBundle.fromFiles(where, files);
        } catch (InferenceException e) {
            throw RegistryException.unprocessable(e.getMessage());
        }
        for (String part : List.of(bundle.name(), bundle.version())) {
            if (!ID.matcher(part).matches()) {
                throw RegistryException.unprocessable("features.json names the model '" + bundle.id() + "'; name "
                        + "and version may hold letters, digits, '.', '_' and '-' (at most 64).");
            }
        }
        return bundle;
    }

    private Model insert(ModelBundle bundle, Map<String, byte[]> files, String source, String actor) {
        Model row = new Model();
        row.name = bundle.name();
        row.version = bundle.version();
        row.sha256 = bundle.sha256();
        row.status = Model.REGISTERED;
        row.source = source;
        row.registeredBy = actor;
        row.metrics = bundle.metrics().map(m -> json.convertValue(m, new TypeReference<Map<String, Object>>() { }))
                .orElse(null);
        row.card = bundle.card().orElse(null);
        models.persist(row);
        em.flush();
        files.forEach((file, content) -> storeFile(row.id, file, content));
        event(row.name, row.version, ModelEvent.REGISTERED, null, actor, source + ": " + String.join(", ",
                files.keySet()));
        return row;
    }

    // --------------------------------------------------------------------------------------------- lifecycle

    /**
     * Loads the version in ONNX Runtime (on the CPU) and runs its parity file through the Java encoder; stores
     * and returns the result. A registered, validated or invalid version becomes validated or invalid; the status
     * of an active, shadow or retired one does not change.
     */
    public Model validate(String name, String version, String actor) {
        Model row = find(name, version);
        Checked checked = check(row, InferenceOptions.cpu(), true);
        if (checked.model() != null) {
            checked.model().close();
        }
        return QuarkusTransaction.requiringNew().call(() -> {
            advisoryLock(name);
            Model m = models.findVersion(name, version).orElseThrow();
            m.validation = validationMap(checked);
            m.validatedAt = OffsetDateTime.now();
            if (List.of(Model.REGISTERED, Model.VALIDATED, Model.INVALID).contains(m.status)) {
                m.status = checked.ok() ? Model.VALIDATED : Model.INVALID;
            }
            event(name, version, checked.ok() ? ModelEvent.VALIDATED : ModelEvent.INVALIDATED, null, actor,
                    checked.why());
            LOG.infof("Validated %s: %s", m.id(), checked.why());
            return m;
        });
    }

    /**
     * Makes a validated version the one that serves: loads and checks it on this instance first (a failure
     * leaves the current version serving), then marks it active and the previous one retired, then swaps it in.
     */
    public Model activate(String name, String version, String actor) {
        return activate(name, version, actor, ModelEvent.ACTIVATED);
    }

    /** Re-activates the version that was active before the current one. */
    public Model rollback(String name, String actor) {
        String target = QuarkusTransaction.requiringNew().call(() -> {
            Model current = models.active(name).orElseThrow(() -> RegistryException.notFound(
                    "No version of " + name + " is active; there is nothing to roll back."));
            List<?> from = em.createNativeQuery("""
                            select from_version from model_events
                            where model_name = ?1 and version = ?2 and action in ('activated', 'rolled_back')
                            order by at desc, id desc limit 1""")
                    .setParameter(1, name).setParameter(2, current.version).getResultList();
            if (from.isEmpty() || from.get(0) == null) {
                throw RegistryException.conflict(current.id() + " was the first active version of " + name
                        + "; there is no earlier one to roll back to.");
            }
            return (String) from.get(0);
        });
        return activate(name, target, actor, ModelEvent.ROLLED_BACK);
    }

    private Model activate(String name, String version, String actor, String action) {
        ReentrantLock lock = lock(name);
        lock.lock();
        try {
            Model row = find(name, version);
            if (Model.ACTIVE.equals(row.status)) {
                throw RegistryException.conflict(row.id() + " is already active.");
            }
            requireValidated(row, "activated");
            Loaded loaded = loadOrRefuse(row, actor, "activated", "active");
            String previous;
            try {
                previous = QuarkusTransaction.requiringNew().call(() -> {
                    advisoryLock(name);
                    Model target = models.findVersion(name, version).orElseThrow();
                    if (Model.ACTIVE.equals(target.status)) {
                        throw RegistryException.conflict(target.id() + " is already active.");
                    }
                    Model old = models.active(name).orElse(null);
                    if (old != null) {
                        old.status = Model.RETIRED;
                        em.flush();
                    }
                    target.status = Model.ACTIVE;
                    target.activatedAt = OffsetDateTime.now();
                    event(name, version, action, old == null ? null : old.version, actor, null);
                    return old == null ? null : old.version;
                });
            } catch (RuntimeException e) {
                loaded.close();
                throw e;
            }
            Served s = served.get(name);
            if (s != null) {
                s.active.set(loaded);
                s.failed.remove("active");
                if (s.shadow.peek().map(l -> l.version().equals(version)).orElse(false)) {
                    s.shadow.clear();
                }
                s.wanted = wanted(name);
                swaps(name, "active", "success").increment();
            } else {
                loaded.close();
            }
            LOG.infof("%s %s/%s (was %s) by %s", ModelEvent.ROLLED_BACK.equals(action) ? "Rolled back to"
                    : "Activated", name, version, previous, actor);
            return find(name, version);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes a validated version the shadow of {@code name}: it scores the same leads as the active version and its
     * scores are kept apart for comparison. The previous shadow, if any, goes back to validated (or retired).
     */
    public Model shadow(String name, String version, String actor) {
        ReentrantLock lock = lock(name);
        lock.lock();
        try {
            Model row = find(name, version);
            if (Model.ACTIVE.equals(row.status)) {
                throw RegistryException.conflict(row.id() + " is the active version; shadow a candidate instead.");
            }
            if (Model.SHADOW.equals(row.status)) {
                return row;
            }
            requireValidated(row, "shadowed");
            Loaded loaded = loadOrRefuse(row, actor, "shadowed", "shadow");
            try {
                QuarkusTransaction.requiringNew().run(() -> {
                    advisoryLock(name);
                    Model target = models.findVersion(name, version).orElseThrow();
                    if (Model.ACTIVE.equals(target.status)) {
                        throw RegistryException.conflict(target.id() + " was activated meanwhile.");
                    }
                    Model old = models.shadow(name).orElse(null);
                    if (old != null) {
                        old.status = old.activatedAt != null ? Model.RETIRED : Model.VALIDATED;
                        em.flush();
                    }
                    target.status = Model.SHADOW;
                    event(name, version, ModelEvent.SHADOWED, old == null ? null : old.version, actor, null);
                });
            } catch (RuntimeException e) {
                loaded.close();
                throw e;
            }
            Served s = served.get(name);
            if (s != null) {
                s.shadow.set(loaded);
                s.failed.remove("shadow");
                swaps(name, "shadow", "success").increment();
            } else {
                loaded.close();
            }
            LOG.infof("Shadowing %s/%s by %s", name, version, actor);
            return find(name, version);
        } finally {
            lock.unlock();
        }
    }

    /** Stops shadowing; the shadow version goes back to validated (or retired, if it served before). */
    public Model stopShadow(String name, String actor) {
        ReentrantLock lock = lock(name);
        lock.lock();
        try {
            Model row = QuarkusTransaction.requiringNew().call(() -> {
                advisoryLock(name);
                Model shadow = models.shadow(name).orElseThrow(() -> RegistryException.notFound(
                        "No version of " + name + " is shadowed."));
                shadow.status = shadow.activatedAt != null ? Model.RETIRED : Model.VALIDATED;
                event(name, shadow.version, ModelEvent.UNSHADOWED, null, actor, null);
                return shadow;
            });
            Served s = served.get(name);
            if (s != null) {
                s.shadow.clear();
            }
            LOG.infof("Stopped shadowing %s by %s", row.id(), actor);
            return row;
        } finally {
            lock.unlock();
        }
    }

    private static void requireValidated(Model row, String what) {
        if (!row.validationPassed()) {
            throw RegistryException.conflict(row.id() + " cannot be " + what + ": it has not passed validation ("
                    + "status " + row.status + (row.validation == null ? ", never validated"
                    : ": " + validationError(row)) + "). Validate it first: POST /api/v1/models/" + row.name
                    + "/versions/" + row.version + "/validate");
        }
    }

    /** Loads and checks the version for serving; on failure records it and answers 422, the current one serving. */
    private Loaded loadOrRefuse(Model row, String actor, String what, String slot) {
        Checked checked = check(row, servingOptions(), true);
        if (checked.ok()) {
            return new Loaded(row.name, row.version, row.sha256, checked.model());
        }
        if (checked.model() != null) {
            checked.model().close();
        }
        swaps(row.name, slot, "failure").increment();
        QuarkusTransaction.requiringNew().run(() -> {
            advisoryLock(row.name);
            Model m = models.findVersion(row.name, row.version).orElseThrow();
            m.validation = validationMap(checked);
            m.validatedAt = OffsetDateTime.now();
            if (List.of(Model.REGISTERED, Model.VALIDATED).contains(m.status)) {
                m.status = Model.INVALID;
            }
            event(row.name, row.version, ModelEvent.ACTIVATION_FAILED, null, actor, checked.why());
        });
        String serving = servingVersion(row.name).map(v -> "; " + row.name + "/" + v + " keeps serving").orElse("");
        throw RegistryException.unprocessable(row.id() + " failed its check on this instance and was not " + what
                + ": " + checked.why() + serving);
    }

    /** Loads a version from the registry's files and checks it for serving; throws when it fails. */
    private Loaded loadChecked(String name, String version) {
        Model row = find(name, version);
        Checked checked = check(row, servingOptions(), false);
        if (!checked.ok()) {
            if (checked.model() != null) {
                checked.model().close();
            }
            throw new InferenceException(row.id() + ": " + checked.why());
        }
        if (checked.parity() == null) {
            LOG.warnf("Model %s has no %s; serving it unchecked", row.id(), ParityCheck.FILE);
        }
        return new Loaded(name, version, row.sha256, checked.model());
    }

    /**
     * Opens the version's stored files in ONNX Runtime and runs its parity file; never throws. The model is left
     * open in the result when it passed (the caller closes or serves it).
     */
    private Checked check(Model row, InferenceOptions options, boolean requireParity) {
        Map<String, byte[]> files = files(row.id);
        byte[] onnx = files.get(BundleFiles.MODEL);
        if (onnx == null) {
            return new Checked(null, null, "the registry holds no model.onnx for it", null);
        }
        String sha = DigestUtils.sha256Hex(onnx);
        if (!sha.equals(row.sha256)) {
            return new Checked(null, null, "the stored model.onnx has sha256 " + sha + ", not the registered "
                    + row.sha256, null);
        }
        TabularModel model;
        try {
            model = TabularModel.open(ModelBundle.fromFiles(row.id(), files), options);
        } catch (RuntimeException e) {
            return new Checked(null, null, "it does not load: " + e.getMessage(), null);
        }
        ExecutionDevice device = model.onnx().device();
        byte[] parity = files.get(ParityCheck.FILE);
        if (parity == null) {
            if (requireParity) {
                model.close();
                return new Checked(null, null, NO_PARITY + " in the bundle: validation compares the model's "
                        + "outputs with those ml/ computed, and needs that file", device);
            }
            return new Checked(model, null, null, device);
        }
        ParityCheck.Result result = ParityCheck.check(model, parity);
        if (!result.passed()) {
            model.close();
            return new Checked(null, result, null, device);
        }
        return new Checked(model, result, null, device);
    }

    private InferenceOptions servingOptions() {
        CloserConfig.Inference inference = config.inference();
        return new InferenceOptions(inference.device(), inference.cudaDeviceId(), inference.intraOpThreads(),
                inference.interOpThreads());
    }

    private static Map<String, Object> validationMap(Checked c) {
        Map<String, Object> v = new LinkedHashMap<>();
        ParityCheck.Result p = c.parity();
        v.put("passed", c.ok());
        v.put("lines", p == null ? 0 : p.lines());
        v.put("failed", p == null ? 0 : p.failed());
        v.put("maxDiff", p == null ? null : p.maxDiff());
        v.put("tolerance", p == null ? ParityCheck.TOLERANCE : p.tolerance());
        v.put("failures", p == null ? List.of() : p.failures());
        v.put("error", c.error() != null ? c.error() : p.error());
        v.put("device", c.device() == null ? null : c.device().name().toLowerCase());
        v.put("summary", c.why());
        return v;
    }

    private static String validationError(Model row) {
        if (row.validation == null) {
            return "never validated";
        }
        Object summary = row.validation.get("summary");
        return summary == null ? String.valueOf(row.validation.get("error")) : summary.toString();
    }

    // -------------------------------------------------------------------------------------------- storage

    /** The version, or 404. */
    public Model find(String name, String version) {
        return QuarkusTransaction.requiringNew().call(() -> models.findVersion(name, version)).orElseThrow(() ->
                RegistryException.notFound("No model " + name + "/" + version + " is registered."));
    }

    private Wanted wanted(String name) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Model active = models.active(name).orElse(null);
            Model shadow = models.shadow(name).orElse(null);
            return new Wanted(active == null ? null : active.version, active == null ? null : active.sha256,
                    shadow == null ? null : shadow.version, shadow == null ? null : shadow.sha256);
        });
    }

    /** The stored files of a version by name. */
    public Map<String, byte[]> files(long modelId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            Map<String, byte[]> files = new TreeMap<>();
            for (Object o : em.createNativeQuery("select name, content from model_files where model_id = ?1")
                    .setParameter(1, modelId).getResultList()) {
                Object[] row = (Object[]) o;
                files.put((String) row[0], (byte[]) row[1]);
            }
            return files;
        });
    }

    /** Name → sha256 and size of a version's stored files. */
    public Map<String, Object[]> fileInfo(long modelId) {
        return QuarkusTransaction.joiningExisting().call(() -> {
            Map<String, Object[]> info = new TreeMap<>();
            for (Object o : em.createNativeQuery("select name, sha256, size from model_files where model_id = ?1")
                    .setParameter(1, modelId).getResultList()) {
                Object[] row = (Object[]) o;
                info.put((String) row[0], new Object[] {row[1], ((Number) row[2]).longValue()});
            }
            return info;
        });
    }

    private Map<String, String> fileHashes(long modelId) {
        Map<String, String> hashes = new TreeMap<>();
        fileInfo(modelId).forEach((name, info) -> hashes.put(name, (String) info[0]));
        return hashes;
    }

    private void storeFile(long modelId, String name, byte[] content) {
        em.createNativeQuery("""
                        insert into model_files (model_id, name, sha256, size, content) values (?1, ?2, ?3, ?4, ?5)
                        on conflict (model_id, name) do update
                            set sha256 = excluded.sha256, size = excluded.size, content = excluded.content""")
                .setParameter(1, modelId).setParameter(2, name).setParameter(3, DigestUtils.sha256Hex(content))
                .setParameter(4, (long) content.length).setParameter(5, content).executeUpdate();
    }

    private void event(String name, String version, String action, String from, String actor, String detail) {
        ModelEvent e = new ModelEvent();
        e.modelName = name;
        e.version = version;
        e.action = action;
        e.fromVersion = from;
        e.actor = actor;
        e.detail = detail;
        em.persist(e);
    }

    /** Serialises registry changes to one model name across instances, for the current transaction. */
    private void advisoryLock(String name) {
        em.createNativeQuery("select count(*) from (select pg_advisory_xact_lock(hashtext(?1))) l")
                .setParameter(1, "closer.models:" + name).getSingleResult();
    }

    private ReentrantLock lock(String name) {
        return locks.computeIfAbsent(name, n -> new ReentrantLock());
    }

    private Counter swaps(String name, String slot, String outcome) {
        return Counter.builder("closer.models.swaps").tag("model", name).tag("slot", slot).tag("outcome", outcome)
                .description("Model versions swapped in (success) or refused because they failed to load or "
                        + "check (failure) on this instance").register(meters);
    }
}
