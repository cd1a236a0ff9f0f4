package dev.closer.inference;

/** Where ONNX Runtime executes a model. */
public enum ExecutionDevice {
    /** The default: ONNX Runtime's CPU execution provider. */
    CPU,
    /**
     * NVIDIA GPU through the CUDA execution provider. Needs the {@code onnxruntime_gpu} artifact (Maven profile
     * {@code onnxruntime_gpu}) and a CUDA runtime; when either is missing the session falls back to CPU and says why.
     */
    CUDA
}
