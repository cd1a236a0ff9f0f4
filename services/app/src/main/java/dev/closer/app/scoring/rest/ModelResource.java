package dev.closer.app.scoring.rest;

import dev.closer.app.auth.Roles;
import dev.closer.app.scoring.Model;
import dev.closer.app.scoring.ModelRepository;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/models")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Models", description = "The model registry")
@RolesAllowed({Roles.ADMIN, Roles.MANAGER, Roles.REP})
public class ModelResource {

    /** A registered model version with the metrics its evaluation printed. */
    public record ModelView(String name, String version, String status, String sha256, Map<String, Object> metrics,
                            OffsetDateTime createdAt, OffsetDateTime activatedAt) {
        static ModelView of(Model m) {
            return new ModelView(m.name, m.version, m.status, m.sha256, m.metrics, m.createdAt, m.activatedAt);
        }
    }

    @Inject
    ModelRepository models;

    @GET
    @Operation(summary = "Every model version this installation knows")
    public List<ModelView> list() {
        return models.all().stream().map(ModelView::of).toList();
    }
}
