package dev.closer.app.auth.rest;

import dev.closer.app.auth.ApiKey;
import dev.closer.app.auth.ApiKeyRepository;
import dev.closer.app.auth.ApiKeyService;
import dev.closer.app.auth.Caller;
import dev.closer.app.auth.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "API keys", description = "Who may call the API")
public class ApiKeyResource {

    /** A new key for a user; the user is created when new. */
    public record NewKey(@NotBlank @Size(max = 200) String userId,
                         @Size(max = 200) String displayName,
                         @NotNull @Pattern(regexp = "admin|manager|rep", message = "must be admin, manager or rep")
                         String role,
                         @Size(max = 200) String team,
                         @Size(max = 200) String label) {
    }

    /** A key as listed: never the key itself. */
    public record KeyView(long id, String userId, String label, OffsetDateTime createdAt, OffsetDateTime lastUsedAt,
                          OffsetDateTime revokedAt) {
        static KeyView of(ApiKey k) {
            return new KeyView(k.id, k.userId, k.label, k.createdAt, k.lastUsedAt, k.revokedAt);
        }
    }

    @Inject
    ApiKeyService service;
    @Inject
    ApiKeyRepository keys;
    @Inject
    SecurityIdentity identity;

    @POST
    @Path("/api-keys")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Create an API key (the key is in this response only)")
    public Response create(@Valid @NotNull NewKey request) {
        return Response.status(Response.Status.CREATED).entity(service.create(request.userId(),
                request.displayName(), request.role(), request.team(), request.label())).build();
    }

    @GET
    @Path("/api-keys")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "List API keys (without the keys)")
    public List<KeyView> list() {
        return keys.all().stream().map(KeyView::of).toList();
    }

    @DELETE
    @Path("/api-keys/{id}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Revoke an API key")
    public Response revoke(@PathParam("id") long id) {
        service.revoke(id);
        return Response.noContent().build();
    }

    @GET
    @Path("/me")
    @RolesAllowed({Roles.ADMIN, Roles.MANAGER, Roles.REP})
    @Operation(summary = "Who the API key belongs to")
    public Caller me() {
        return Caller.of(identity);
    }
}
