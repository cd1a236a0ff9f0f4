package dev.closer.inference;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jboss.logging.Logger;

/**
 * One long-lived ONNX Runtime session for one model version. Thread-safe: {@link OrtSession#run} may be called
 * concurrently. All sessions share the JVM's single {@link OrtEnvironment}.
 *
 * <p>{@link #close} waits for the runs under way and later runs fail with {@link InferenceException}: freeing the
 * native session under a running {@link OrtSession#run} crashed the JVM (SIGSEGV in libonnxruntime.so) when the
 * app stopped in the middle of a call's analysis.
 *
 * <p>Callers build input tensors (see {@link #environment()}) and decode outputs; this class only owns the
 * session, its options and the choice of execution provider.
 */
public final class OnnxModel implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OnnxModel.class);

    private final String name;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final ExecutionDevice device;
    /** Runs hold the read lock, {@link #close} the write lock. */
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lifecycle

    private OnnxModel(String name, OrtSession.SessionOptions options, OrtSession session, ExecutionDevice device) {
        this.name = name;
        this.options = options;
        this.session = session;
        this.device = device;
    }

    /** The JVM-wide ONNX Runtime environment. */
    public static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment();
    }

    /**
     * Creates a session from the model's bytes.
     *
     * @param name  used in logs and error messages, e.g. {@code lead-score/v0}
     * @param model the serialized ONNX graph
     */
    public static OnnxModel load(String name, byte[] model, InferenceOptions inference) {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (inference.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(inference.intraOpThreads());
            }
            if (inference.interOpThreads() > 0) {
                options.setInterOpNumThreads(inference.interOpThreads());
            }
            ExecutionDevice device = addExecutionProvider(name, options, inference);
            OrtSession session = environment().createSession(model, options);
            OnnxModel loaded = new OnnxModel(name, options, session, device);
            loaded.logMetadata();
            return loaded;
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw new InferenceException("Could not load ONNX model " + name + ": " + e.getMessage(), e);
        }
    }

    private static ExecutionDevice addExecutionProvider(String name, OrtSession.SessionOptions options,
                                                        InferenceOptions inference) {
        if (inference.device() != ExecutionDevice.CUDA) {
            return ExecutionDevice.CPU;
        }
        try {
            options.addCUDA(inference.cudaDeviceId());
            LOG.infof("Model %s: CUDA execution provider on device %d", name, inference.cudaDeviceId());
            return ExecutionDevice.CUDA;
        } catch (OrtException | RuntimeException | LinkageError e) {
            // The CPU build of ONNX Runtime, a missing CUDA/cuDNN library or no GPU all end here.
            LOG.warnf("Model %s: CUDA was requested but is not usable (%s); falling back to CPU. "
                    + "Build with -Ponnxruntime_gpu and install CUDA 12 + cuDNN 9 to run on the GPU.",
                    name, e.getMessage());
            return ExecutionDevice.CPU;
        }
    }

    private void logMetadata() throws OrtException {
        StringBuilder info = new StringBuilder();
        for (Map.Entry<String, NodeInfo> in : session.getInputInfo().entrySet()) {
            info.append(" in ").append(in.getKey()).append('=').append(in.getValue().getInfo());
        }
        for (Map.Entry<String, NodeInfo> out : session.getOutputInfo().entrySet()) {
            info.append(" out ").append(out.getKey()).append('=').append(out.getValue().getInfo());
        }
        LOG.infof("Model %s loaded on %s:%s", name, device, info);
    }

    public String name() {
        return name;
    }

    /** The execution provider actually in use (CPU after a fallback). */
    public ExecutionDevice device() {
        return device;
    }

    public Set<String> inputNames() {
        return session.getInputNames();
    }

    public Set<String> outputNames() {
        return session.getOutputNames();
    }

    /**
     * Runs the graph. The caller closes the inputs and the returned result (try-with-resources).
     */
    public OrtSession.Result run(Map<String, OnnxTensor> inputs) {
        Lock running = lifecycle.readLock();
        running.lock();
        try {
            if (closed) {
                throw new ModelClosedException("Model " + name + " is closed");
            }
            return session.run(inputs);
        } catch (OrtException e) {
            throw new InferenceException("Model " + name + " failed to run: " + e.getMessage(), e);
        } finally {
            running.unlock();
        }
    }

    /** Waits for the runs under way, then frees the session; later runs fail. Closing twice is harmless. */
    @Override
    public void close() {
        Lock closing = lifecycle.writeLock();
        closing.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                session.close();
            } catch (OrtException e) {
                LOG.warnf(e, "Model %s: closing the session failed", name);
            } finally {
                options.close();
            }
        } finally {
            closing.unlock();
        }
    }
}
