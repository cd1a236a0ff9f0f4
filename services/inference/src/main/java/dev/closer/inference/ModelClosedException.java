package dev.closer.inference;

/**
 * The model was closed (the app is stopping): nothing is wrong with the input, and the same work succeeds on a model
 * that is open, so a queue worker leaves its item queued instead of marking it failed.
 */
public class ModelClosedException extends InferenceException {

    public ModelClosedException(String message) {
        super(message);
    }

    /** Whether {@code e}, or one of its causes, is a {@code ModelClosedException}. */
    public static boolean in(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ModelClosedException) {
                return true;
            }
        }
        return false;
    }
}
