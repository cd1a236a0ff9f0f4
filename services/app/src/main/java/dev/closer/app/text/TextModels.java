package dev.closer.app.text;

import dev.closer.app.config.CloserConfig;
import dev.closer.inference.InferenceOptions;
import dev.closer.inference.ModelBundle;
import dev.closer.inference.text.EncoderModel;
import dev.closer.inference.text.TextClassifier;
import dev.closer.inference.text.TextEncoder;
import dev.closer.inference.text.TextEncoderOptions;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
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

    private TextEncoder encoder;
    private TextClassifier intent;
    private TextClassifier tone;

    void onStart(@Observes StartupEvent event) {
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
    public synchronized TextEncoder encoder() {
        if (encoder == null) {
            EncoderModel model = EncoderModel.byName(config.text().encoder());
            TextEncoderOptions options = TextEncoderOptions.of(model);
            if (config.text().threads() > 0) {
                options = options.withThreads(config.text().threads());
            }
            CloserConfig.Inference inference = config.inference();
            options = new TextEncoderOptions(model, options.threads(), new InferenceOptions(inference.device(),
                    inference.cudaDeviceId(), 1, 1));
            long started = System.nanoTime();
            encoder = TextEncoder.open(options);
            LOG.infof("Text encoder %s loaded in %d ms (%d threads)", model.id(),
                    (System.nanoTime() - started) / 1_000_000, options.threads());
        }
        return encoder;
    }

    /** The reply-intent head ({@code closer.text.intent-model}). */
    public synchronized TextClassifier intent() {
        if (intent == null) {
            intent = head(config.text().intentModel());
        }
        return intent;
    }

    /** The tone head ({@code closer.text.tone-model}). */
    public synchronized TextClassifier tone() {
        if (tone == null) {
            tone = head(config.text().toneModel());
        }
        return tone;
    }

    private TextClassifier head(String nameAndVersion) {
        Optional<Path> dir = config.models().dir().map(d -> d.resolve(nameAndVersion));
        ModelBundle.Files files = dir.isPresent() && Files.isDirectory(dir.get())
                ? ModelBundle.Files.directory(dir.get())
                : ModelBundle.Files.classpath("models/" + nameAndVersion, TextModels.class.getClassLoader());
        CloserConfig.Inference inference = config.inference();
        TextClassifier head = TextClassifier.open(files, new InferenceOptions(inference.device(),
                inference.cudaDeviceId(), 1, 1));
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
    synchronized void close() {
        if (intent != null) {
            intent.close();
        }
        if (tone != null) {
            tone.close();
        }
        if (encoder != null) {
            encoder.close();
        }
    }
}
