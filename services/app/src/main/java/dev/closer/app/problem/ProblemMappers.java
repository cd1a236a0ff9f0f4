package dev.closer.app.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.closer.inference.InferenceException;
import dev.closer.ingest.EventReader;
import dev.closer.ingest.call.InvalidTranscriptException;
import dev.closer.ingest.kafka.EventPublisher;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.nio.channels.ClosedChannelException;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error the API returns is an RFC 9457 problem that says what was wrong. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final String CHALLENGE = "Bearer realm=\"closer\"";

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri) {
        return Problem.of(Response.Status.UNAUTHORIZED,
                        "An API key is required: send it as 'Authorization: Bearer <key>'.")
                .withInstance(uri).response().header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE).build();
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return Problem.of(Response.Status.UNAUTHORIZED, "The API key is unknown or revoked.")
                .withInstance(uri).response().header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE).build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        String detail = e.getMessage() != null && !e.getMessage().isBlank() ? e.getMessage()
                : "Your API key's role may not use this endpoint.";
        return Problem.of(Response.Status.FORBIDDEN, detail).withInstance(uri).response().build();
    }

    @ServerExceptionMapper
    public Response invalidEvents(EventReader.InvalidBatchException e, UriInfo uri) {
        List<EventReader.Problem> problems = e.problems();
        String detail = problems.size() == 1 && problems.get(0).id() == null && problems.get(0).index() == 0
                ? problems.get(0).errors().get(0)
                : problems.size() + " event(s) are invalid; nothing was accepted. See errors.";
        return Problem.of(Response.Status.BAD_REQUEST, detail).withInstance(uri).withErrors(problems)
                .response().build();
    }

    /** A model that cannot load or run (a missing bundle, failed parity, an ONNX Runtime error): try again later. */
    @ServerExceptionMapper
    public Response modelUnavailable(InferenceException e, UriInfo uri) {
        LOG.warnf("Model not available on %s: %s", uri.getRequestUri().getPath(), e.getMessage());
        return Problem.of(Response.Status.SERVICE_UNAVAILABLE, "A model this needs is not available: "
                        + e.getMessage()).withInstance(uri).response().header(HttpHeaders.RETRY_AFTER, "10").build();
    }

    /** A transcript that cannot be read or analysed (POST /api/v1/calls): every error, each naming where it is. */
    @ServerExceptionMapper
    public Response invalidTranscript(InvalidTranscriptException e, UriInfo uri) {
        return Problem.of(Response.Status.BAD_REQUEST, "Invalid transcript: " + e.getMessage()).withInstance(uri)
                .withErrors(e.errors()).response().build();
    }

    @ServerExceptionMapper
    public Response kafkaUnavailable(EventPublisher.PublishException e, UriInfo uri) {
        LOG.warnf("Events not accepted: %s", e.getMessage());
        return Problem.of(Response.Status.SERVICE_UNAVAILABLE,
                        "Events could not be stored right now (" + e.getMessage() + "); nothing was accepted. "
                                + "Retry later.")
                .withInstance(uri).response().header(HttpHeaders.RETRY_AFTER, "10").build();
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e, UriInfo uri) {
        List<String> errors = e.getConstraintViolations().stream()
                .map(v -> lastNode(v.getPropertyPath().toString()) + ": " + v.getMessage()).sorted().toList();
        return Problem.of(Response.Status.BAD_REQUEST, String.join("; ", errors)).withInstance(uri)
                .withErrors(errors).response().build();
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e, UriInfo uri) {
        return Problem.of(Response.Status.BAD_REQUEST, "The body is not valid JSON for this endpoint: "
                + e.getOriginalMessage()).withInstance(uri).response().build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        String detail = e.getMessage() == null || e.getMessage().startsWith("HTTP ")
                ? status.getReasonPhrase() : e.getMessage();
        Response.ResponseBuilder problem = Problem.of(status, detail).withInstance(uri).response();
        // What the exception's own response says about how to retry or authenticate (NotAuthorizedException's
        // challenge, a 405's Allow, a 503's Retry-After) stays with the problem.
        for (String header : List.of(HttpHeaders.WWW_AUTHENTICATE, HttpHeaders.ALLOW, HttpHeaders.RETRY_AFTER)) {
            e.getResponse().getStringHeaders().getOrDefault(header, List.of()).forEach(v -> problem.header(header, v));
        }
        return problem.build();
    }

    /**
     * The client went away while its response was written (a browser closing the live score stream): nothing to
     * answer and nothing wrong on our side, so no ERROR with a stack trace.
     */
    @ServerExceptionMapper
    public Response clientGone(ClosedChannelException e, UriInfo uri) {
        LOG.debugf("The client closed the connection on %s", uri.getRequestUri().getPath());
        return Response.noContent().build();
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(Throwable e, UriInfo uri) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected error %s on %s", id, uri.getRequestUri().getPath());
        return Problem.of(Response.Status.INTERNAL_SERVER_ERROR, "Something went wrong on our side; quote " + id
                + " when you report it.").withInstance(uri).response().build();
    }

    private static String lastNode(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(dot + 1);
    }
}
