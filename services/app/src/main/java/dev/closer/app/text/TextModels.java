package dev.closer.app.text;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.config.CloserConfig;
import dev.closer.inference.InferenceException;
import dev.closer.inference.InferenceOptions;
import dev.closer.inference.ModelClosedException;
import dev.closer.inference.ModelBundle;
import dev.closer.inference.tabular.ParityCheck;
import dev.closer.inference.tabular.TabularModel;
import dev.closer.inference.text.EncoderModel;
import dev.closer.inference.text.TextClassifier;
import dev.closer.inference.text.TextEncoder;
import dev.closer.inference.text.TextEncoderOptions;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The text models the app serves, each opened on first use (a start-up that never reads text, such as most tests',
 * loads none of them) or at start with {@code closer.text.preload}: the sentence encoder ({@code closer.text.encoder}),
 * and the heads on its vectors, read from {@code closer.models.dir} when set, else from the bundles built into the app
 * ({@code models/<name>/<version>}). A head trained on another encoder's vectors does not load.
 */
@ApplicationScoped
public class TextModels {

    private static final Logger LOG = Logger.getLogger(TextModels.class);

    @Inject
    CloserConfig config;
    @Inject
    ObjectMapper json;

    private final Lazy<TextEncoder> encoder = new Lazy<>(this::openEncoder);
    private final Lazy<TextClassifier> intent = new Lazy<>(() -> head(config.text().intentModel()));
    private final Lazy<TextClassifier> tone = new Lazy<>(() -> head(config.text().toneModel()));
    private final Lazy<TabularModel> reply = new Lazy<>(() -> tabular(config.emails().replyModel(), true));
    private final Lazy<TabularModel> callWin = new Lazy<>(() -> tabular(config.calls().winModel(), false));

    /**
     * A model opened on first use, once. A model that fails to open stays failed (its files are part of the build or
     * of closer.models.dir, so trying again gives the same answer): every caller gets the same exception, without
     * opening an ONNX session and checking parity again on each request and each worker tick.
     */
    private static final class Lazy<T extends AutoCloseable> {
        private final Supplier<T> open;
        // Written under the lock, read without it: listing the models must not wait behind a model loading.
        private volatile T value;
        private volatile RuntimeException failure;
        private boolean closed; // guarded by this

        Lazy(Supplier<T> open) {
            this.open = open;
        }

        synchronized T get() {
            if (closed) {
                throw new ModelClosedException("The app is stopping: its models are closed");
            }
            if (failure != null) {
                throw failure;
            }
            if (value == null) {
                try {
                    value = open.get();
                } catch (RuntimeException e) {
                    failure = e;
                    throw e;
                }
            }
            return value;
        }

        /** loaded, unavailable (it failed to open) or not loaded yet. */
        String state() {
            return failure != null ? "unavailable" : value != null ? "loaded" : "not loaded yet";
        }

        String error() {
            RuntimeException f = failure;
            return f == null ? null : f.getMessage();
        }

        /** Closes the model if it was opened; it is not opened again after this. */
        synchronized void close() {
            closed = true;
            if (value != null) {
                try {
                    value.close();
                } catch (Exception e) {
                    LOG.debugf(e, "Closing a model failed");
                }
            }
        }
    }

    void onStart(@Observes StartupEvent event) {
        // A misspelt encoder name stops the app here, not at the first request.
        EncoderModel.byName(config.text().encoder());
        if (config.text().preload()) {
            Thread preload = new Thread(() -> {
                try {
                    encoder();
                    intent();
                    tone();
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Loading the text models failed; endpoints that need them will answer 503");
                }
            }, "closer-text-preload");
            preload.setDaemon(true);
            preload.start();
        }
    }

    /** The sentence encoder. */
    public TextEncoder encoder() {
        return encoder.get();
    }

    /** The reply-intent head ({@code closer.text.intent-model}). */
    public TextClassifier intent() {
        return intent.get();
    }

    /** The tone head ({@code closer.text.tone-model}). */
    public TextClassifier tone() {
        return tone.get();
    }

    /**
     * The reply model ({@code closer.emails.reply-model}): a tabular model that also reads the email's text, through
     * the configured encoder.
     */
    public TabularModel replyModel() {
        return reply.get();
    }

    /** The call-win model ({@code closer.calls.win-model}): p(won) of a call's deal from its per-call features. */
    public TabularModel callWinModel() {
        return callWin.get();
    }

    /**
     * A model the app serves from its files (not the registry's): the setting's name and version, where its files
     * are read from, whether it is loaded, why it failed, and its metrics.json (null when it has none).
     */
    public record Served(String name, String version, String where, String state, String error,
                         Map<String, Object> metrics) {
    }

    /**
     * The heads and tabular models read from files, in the order of their settings (a model set to none left out);
     * none is loaded by this.
     */
    public List<Served> served() {
        return Stream.of(served(config.text().intentModel(), intent), served(config.text().toneModel(), tone),
                served(config.emails().replyModel(), reply), served(config.calls().winModel(), callWin))
                .flatMap(Optional::stream).toList();
    }

    private Optional<Served> served(String nameAndVersion, Lazy<?> model) {
        if ("none".equals(nameAndVersion)) {
            return Optional.empty();
        }
        ModelBundle.Files files = files(nameAndVersion);
        Map<String, Object> metrics = null;
        try {
            Optional<byte[]> bytes = files.read("metrics.json");
            if (bytes.isPresent()) {
                metrics = json.readValue(bytes.get(), new TypeReference<Map<String, Object>>() { });
            }
        } catch (IOException e) {
            LOG.warnf("The metrics.json of %s cannot be read: %s", nameAndVersion, e.getMessage());
        }
        int slash = nameAndVersion.lastIndexOf('/');
        return Optional.of(new Served(slash < 0 ? nameAndVersion : nameAndVersion.substring(0, slash),
                slash < 0 ? "" : nameAndVersion.substring(slash + 1), files.where(), model.state(), model.error(),
                metrics));
    }

    /** Session settings of every text model: the configured device, one ONNX Runtime thread per run. */
    private InferenceOptions options() {
        CloserConfig.Inference inference = config.inference();
        return new InferenceOptions(inference.device(), inference.cudaDeviceId(), 1, 1);
    }

    private TextEncoder openEncoder() {
        EncoderModel model = EncoderModel.byName(config.text().encoder());
        int threads = config.text().threads() > 0 ? config.text().threads()
                : TextEncoderOptions.of(model).threads();
        long started = System.nanoTime();
        TextEncoder opened = TextEncoder.open(new TextEncoderOptions(model, threads, options()));
        LOG.infof("Text encoder %s loaded in %d ms (%d threads)", model.id(),
                (System.nanoTime() - started) / 1_000_000, threads);
        return opened;
    }

    /**
     * A tabular bundle, loaded only when it reproduces its parity.jsonl (at the device's tolerance) and, if it reads
     * a text, reads the configured encoder's vectors.
     */
    private TabularModel tabular(String nameAndVersion, boolean readsText) {
        ModelBundle.Files files = files(nameAndVersion);
        ModelBundle bundle = ModelBundle.from(files);
        if (bundle.spec().hasText() != readsText) {
            throw new InferenceException("Model " + bundle.id() + (readsText ? " reads no text" : " reads a text")
                    + ": not the kind of model this setting takes");
        }
        if (readsText) {
            EncoderModel encoderModel = encoder().model();
            if (!bundle.spec().text().encoder().equals(encoderModel.id())
                    || bundle.spec().text().dimension() != encoderModel.dimension()) {
                throw new InferenceException("Model " + bundle.id() + " reads " + bundle.spec().text().encoder()
                        + " vectors but the encoder is " + encoderModel.id() + ": set closer.text.encoder="
                        + bundle.spec().text().encoder());
            }
        }
        TabularModel model = TabularModel.open(bundle, options());
        ParityCheck.Result parity;
        try {
            parity = ParityCheck.check(model, files.require(ParityCheck.FILE));
        } catch (IOException | RuntimeException e) {
            model.close();
            throw new InferenceException("Model " + bundle.id() + ": no parity check: " + e.getMessage(), e);
        }
        if (!parity.passed()) {
            model.close();
            throw new InferenceException("Model " + bundle.id() + " does not load: " + parity.summary());
        }
        LOG.infof("Model %s loaded from %s: %s", bundle.id(), files.where(), parity.summary());
        return model;
    }

    private ModelBundle.Files files(String nameAndVersion) {
        Optional<Path> dir = config.models().dir().map(d -> d.resolve(nameAndVersion));
        return dir.isPresent() && Files.isDirectory(dir.get())
                ? ModelBundle.Files.directory(dir.get())
                : ModelBundle.Files.classpath("models/" + nameAndVersion, TextModels.class.getClassLoader());
    }

    private TextClassifier head(String nameAndVersion) {
        ModelBundle.Files files = files(nameAndVersion);
        TextClassifier head = TextClassifier.open(files, options());
        try {
            head.requireEncoder(encoder().model());
        } catch (RuntimeException e) {
            head.close();
            throw e;
        }
        LOG.infof("Text head %s loaded from %s (labels %s)", head.spec().id(), files.where(), head.spec().labels());
        return head;
    }

    @PreDestroy
    void close() {
        for (Lazy<?> model : List.of(intent, tone, reply, callWin, encoder)) {
            model.close();
        }
    }
}
