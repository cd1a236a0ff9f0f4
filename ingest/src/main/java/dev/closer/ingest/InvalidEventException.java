package dev.closer.ingest;

import java.util.List;

/** A record that is not a valid Closer CloudEvent; each error says which field and what is wrong. */
public class InvalidEventException extends Exception {

    private final transient List<String> errors;

    public InvalidEventException(List<String> errors) {
        super(String.join("; ", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
