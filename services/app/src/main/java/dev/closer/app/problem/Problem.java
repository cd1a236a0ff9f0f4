package dev.closer.app.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;

/**
 * An RFC 9457 problem-details body. {@code type} is {@code about:blank} with the HTTP status's title unless a
 * more specific type is named; {@code errors} lists field- or event-level details when there are several.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, List<?> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final MediaType PROBLEM_JSON = MediaType.valueOf(MEDIA_TYPE);

    public static Problem of(Response.StatusType status, String detail) {
        return new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(), detail, null, null);
    }

    public Problem withErrors(List<?> details) {
        return new Problem(type, title, status, detail, instance, details);
    }

    public Problem withInstance(String path) {
        return new Problem(type, title, status, detail, path, errors);
    }

    /**
     * The request's full path as the instance ({@link UriInfo#getPath()} is relative to the REST root, {@code /api},
     * so it would drop that prefix).
     */
    public Problem withInstance(UriInfo uri) {
        return withInstance(uri.getRequestUri().getPath());
    }

    public Response.ResponseBuilder response() {
        return Response.status(status).type(PROBLEM_JSON).entity(this);
    }
}
