package dev.closer.ingest.call;

import java.util.List;

/**
 * A call transcript that cannot be analysed or parsed. Each error names where it is: {@code utterance 3: ...} for
 * a list of utterances (the index in the list as given), {@code line 12: ...} for WebVTT, {@code segment 2: ...}
 * for segment JSON.
 */
public class InvalidTranscriptException extends Exception {

    private final transient List<String> errors;

    public InvalidTranscriptException(List<String> errors) {
        super(String.join("; ", errors));
        this.errors = List.copyOf(errors);
    }

    public InvalidTranscriptException(String error) {
        this(List.of(error));
    }

    public List<String> errors() {
        return errors;
    }
}
