package dev.closer.inference;

/**
 * How sessions are built.
 *
 * @param device         the execution provider asked for
 * @param cudaDeviceId   GPU ordinal when {@code device} is CUDA
 * @param intraOpThreads threads inside one operator; 0 lets ONNX Runtime choose (one per core)
 * @param interOpThreads threads across independent operators; 0 lets ONNX Runtime choose
 */
public record InferenceOptions(ExecutionDevice device, int cudaDeviceId, int intraOpThreads, int interOpThreads) {

    public InferenceOptions {
        if (device == null) {
            throw new IllegalArgumentException("device must be set (CPU or CUDA)");
        }
        if (cudaDeviceId < 0 || intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("cudaDeviceId and thread counts must be >= 0");
        }
    }

    /** CPU with ONNX Runtime's own thread defaults. */
    public static InferenceOptions cpu() {
        return new InferenceOptions(ExecutionDevice.CPU, 0, 0, 0);
    }
}
