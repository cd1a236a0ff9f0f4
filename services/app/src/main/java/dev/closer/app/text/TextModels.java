package dev.closer.app.text;

import dev.closer.app.config.CloserConfig;
import dev.closer.inference.InferenceException;
import dev.closer.inference.InferenceOptions;
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
    private TabularModel reply;
    private TabularModel callWin;

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

    /**
     * The reply model ({@code closer.emails.reply-model}): a tabular model that also reads the email's text, through
     * the configured encoder.
     */
    public synchronized TabularModel replyModel() {
        if (reply == null) {
            reply = tabular(config.emails().replyModel(), true);
        }
        return reply;
    }

    /** The call-win model ({@code closer.calls.win-model}): p(won) of a call's deal from its per-call features. */
    public synchronized TabularModel callWinModel() {
        if (callWin == null) {
            callWin = tabular(config.calls().winModel(), false);
        }
        return callWin;
    }

    /**
     * A tabular bundle, loaded only when it reproduces its parity.jsonl and, if it reads a text, reads the configured
     * encoder's vectors.
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
        CloserConfig.Inference inference = config.inference();
        TabularModel model = TabularModel.open(bundle, new InferenceOptions(inference.device(),
                inference.cudaDeviceId(), 1, 1));
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
        if (reply != null) {
            reply.close();
        }
        if (callWin != null) {
            callWin.close();
        }
        if (encoder != null) {
            encoder.close();
        }
    }
}
