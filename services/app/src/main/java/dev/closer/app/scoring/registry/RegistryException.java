package dev.closer.app.scoring.registry;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

/**
 * A registry request that cannot be done, with the HTTP status that says why; the API answers it as a problem
 * whose detail is the message.
 */
public class RegistryException extends WebApplicationException {

    private final String title;

    public RegistryException(int status, String title, String message) {
        super(message, status);
        this.title = title;
    }

    /** The status's reason phrase (JAX-RS has none for 422). */
    public String title() {
        return title;
    }

    public int status() {
        return getResponse().getStatus();
    }

    public static RegistryException badRequest(String message) {
        return of(Response.Status.BAD_REQUEST, message);
    }

    public static RegistryException notFound(String message) {
        return of(Response.Status.NOT_FOUND, message);
    }

    public static RegistryException conflict(String message) {
        return of(Response.Status.CONFLICT, message);
    }

    public static RegistryException tooLarge(String message) {
        return of(Response.Status.REQUEST_ENTITY_TOO_LARGE, message);
    }

    /** 422: the request is well-formed but its content cannot be used (an invalid bundle, a model that fails). */
    public static RegistryException unprocessable(String message) {
        return new RegistryException(422, "Unprocessable Content", message);
    }

    private static RegistryException of(Response.Status status, String message) {
        return new RegistryException(status.getStatusCode(), status.getReasonPhrase(), message);
    }
}
