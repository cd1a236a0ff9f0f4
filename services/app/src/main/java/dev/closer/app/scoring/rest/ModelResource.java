package dev.closer.app.scoring.rest;

import dev.closer.app.auth.Roles;
import dev.closer.app.config.CloserConfig;
import dev.closer.app.problem.Problem;
import dev.closer.app.scoring.Model;
import dev.closer.app.scoring.ModelRepository;
import dev.closer.app.scoring.registry.BundleFiles;
import dev.closer.app.scoring.registry.ModelComparison;
import dev.closer.app.scoring.registry.ModelEvent;
import dev.closer.app.scoring.registry.ModelRegistry;
import dev.closer.app.scoring.registry.RegistryException;
import dev.closer.app.text.TextModels;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The model registry: list versions; upload, validate, activate, shadow and roll back (admin); compare a shadow
 * with the active version; the audit trail.
 */
@Path("/v1/models")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Models", description = "The model registry")
@RolesAllowed({Roles.ADMIN, Roles.MANAGER, Roles.REP})
public class ModelResource {

    static final String ZIP = "application/zip";

    /** A registered model version, with the metrics its evaluation printed and its last validation. */
    public record ModelView(String name, String version, String status, String source, String sha256,
                            Map<String, Object> metrics, Map<String, Object> validation, String registeredBy,
                            OffsetDateTime createdAt, OffsetDateTime validatedAt, OffsetDateTime activatedAt) {
        static ModelView of(Model m) {
            return new ModelView(m.name, m.version, m.status, m.source, m.sha256, m.metrics, m.validation,
                    m.registeredBy, m.createdAt, m.validatedAt, m.activatedAt);
        }
    }

    /** A stored file of a version. */
    public record FileView(String name, long size, String sha256) {
    }

    /** One version in full: its files and model card too. */
    public record VersionView(ModelView model, List<FileView> files, String card) {
    }

    /** One line of the audit trail. */
    public record EventView(String version, String action, String fromVersion, String actor, String detail,
                            OffsetDateTime at) {
    }

    @Inject
    ModelRepository models;
    @Inject
    ModelRegistry registry;
    @Inject
    ModelComparison comparison;
    @Inject
    CloserConfig config;
    @Inject
    SecurityIdentity identity;
    @Inject
    EntityManager em;
    @Inject
    TextModels textModels;

    @GET
    @Operation(summary = "Every model version this installation knows")
    public List<ModelView> list() {
        return models.all().stream().map(ModelView::of).toList();
    }

    @GET
    @Path("served")
    @Operation(summary = "The models served from files, not the registry: reply intent, tone, reply score, call win",
            description = "Each with where its files are read from, its state (loaded, not loaded yet, unavailable: "
                    + "it failed to open, with the error) and its metrics.json. Listing loads nothing.")
    public List<TextModels.Served> served() {
        return textModels.served();
    }

    @POST
    @Consumes({ZIP, "application/x-zip-compressed", MediaType.APPLICATION_OCTET_STREAM})
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Register a model version from its folder, zipped",
            description = "The zip holds the files ml/ exports (model.onnx and features.json are required; "
                    + "parity.jsonl is needed to validate; metrics.json and card.md are kept), at its top or in "
                    + "one folder. Name and version come from features.json. 201 with the version (status "
                    + "registered); 409 when the version exists; 413 above closer.models.max-upload-size; 400/422 "
                    + "saying what is wrong with the archive or bundle.")
    public Response upload(byte[] zip, UriInfo uri) {
        long max = config.models().maxUploadSize().asLongValue();
        if (zip != null && zip.length > max) {
            throw tooLarge(zip.length, max);
        }
        return created(registry.register(BundleFiles.fromZip(zip, max), actor()), uri);
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Register a model version from its files (multipart/form-data)",
            description = "One part per file, named by its file name (curl -F file=@model.onnx -F "
                    + "file=@features.json ...), or one .zip part. Same answers as the zip upload.")
    public Response uploadFiles(@RestForm(FileUpload.ALL) List<FileUpload> parts, UriInfo uri) throws IOException {
        long max = config.models().maxUploadSize().asLongValue();
        long total = parts.stream().mapToLong(FileUpload::size).sum();
        if (total > max) {
            throw tooLarge(total, max);
        }
        if (parts.size() == 1 && fileName(parts.get(0)).toLowerCase().endsWith(".zip")) {
            return created(registry.register(BundleFiles.fromZip(Files.readAllBytes(parts.get(0).uploadedFile()),
                    max), actor()), uri);
        }
        Map<String, byte[]> files = new TreeMap<>();
        for (FileUpload part : parts) {
            if (files.put(fileName(part), Files.readAllBytes(part.uploadedFile())) != null) {
                throw RegistryException.unprocessable("The form holds " + fileName(part) + " twice.");
            }
        }
        return created(registry.register(files, actor()), uri);
    }

    private static String fileName(FileUpload part) {
        String name = part.fileName() == null || part.fileName().isBlank() ? part.name() : part.fileName();
        return name.substring(name.replace('\\', '/').lastIndexOf('/') + 1);
    }

    private static RegistryException tooLarge(long size, long max) {
        return RegistryException.tooLarge("The upload has " + size + " bytes; the most accepted is " + max
                + " (closer.models.max-upload-size).");
    }

    private Response created(Model m, UriInfo uri) {
        URI location = uri.getBaseUriBuilder().path("v1/models").path(m.name).path("versions").path(m.version)
                .build();
        return Response.created(location).entity(ModelView.of(m)).build();
    }

    @GET
    @Path("{name}/versions/{version}")
    @Operation(summary = "One model version: status, validation, metrics, files and card")
    public VersionView get(@PathParam("name") String name, @PathParam("version") String version) {
        Model m = registry.find(name, version);
        List<FileView> files = registry.fileInfo(m.id).entrySet().stream()
                .map(e -> new FileView(e.getKey(), (Long) e.getValue()[1], (String) e.getValue()[0])).toList();
        return new VersionView(ModelView.of(m), files, m.card);
    }

    @POST
    @Path("{name}/versions/{version}/validate")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Load the version in ONNX Runtime and run its parity file through the Java encoder",
            description = "Answers the version with its validation (passed, lines, failed, maxDiff, tolerance, first "
                    + "failures, error). A registered version becomes validated or invalid.")
    public ModelView validate(@PathParam("name") String name, @PathParam("version") String version) {
        return ModelView.of(registry.validate(name, version, actor()));
    }

    @POST
    @Path("{name}/versions/{version}/activate")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Serve this version (it must have passed validation); the active one is retired",
            description = "The version is loaded and checked before it replaces the active one, which serves until "
                    + "then and keeps serving when the check fails (422). 409 when it has not passed validation.")
    public ModelView activate(@PathParam("name") String name, @PathParam("version") String version) {
        return ModelView.of(registry.activate(name, version, actor()));
    }

    @POST
    @Path("{name}/rollback")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Serve again the version that was active before the current one")
    public ModelView rollback(@PathParam("name") String name) {
        return ModelView.of(registry.rollback(name, actor()));
    }

    @POST
    @Path("{name}/versions/{version}/shadow")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Score every lead with this version too, beside the active one, for comparison",
            description = "One shadow per model name; its scores go to the comparison, never to leads.")
    public ModelView shadow(@PathParam("name") String name, @PathParam("version") String version) {
        return ModelView.of(registry.shadow(name, version, actor()));
    }

    @DELETE
    @Path("{name}/shadow")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "Stop shadowing; the shadow version goes back to validated")
    public ModelView stopShadow(@PathParam("name") String name) {
        return ModelView.of(registry.stopShadow(name, actor()));
    }

    @GET
    @Path("{name}/versions/{version}/comparison")
    @Operation(summary = "How a shadow version's scores compare with the active version's on the same leads",
            description = "count, meanAbsoluteDifference (score points), spearman (rank correlation of the "
                    + "probabilities), gradeAgreement (share given the same grade) and both score histograms. "
                    + "against=VERSION keeps only the comparisons with that active version.")
    public ModelComparison.Result comparison(@PathParam("name") String name, @PathParam("version") String version,
                                             @QueryParam("against") String against) {
        registry.find(name, version);
        return comparison.compare(name, version, against == null || against.isBlank() ? null : against);
    }

    @GET
    @Path("{name}/events")
    @RolesAllowed(Roles.ADMIN)
    @Operation(summary = "The audit trail of a model name, newest first: who registered, validated, activated, "
            + "rolled back or shadowed which version, and when")
    public List<EventView> events(@PathParam("name") String name,
                                  @QueryParam("limit") @DefaultValue("100") int limit) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                        "from ModelEvent where modelName = ?1 order by at desc, id desc", ModelEvent.class)
                .setParameter(1, name).setMaxResults(Math.max(1, Math.min(limit, 1000))).getResultList().stream()
                .map(e -> new EventView(e.version, e.action, e.fromVersion, e.actor, e.detail, e.at)).toList());
    }

    private String actor() {
        return identity.getPrincipal().getName();
    }

    @ServerExceptionMapper
    public Response registryProblem(RegistryException e, UriInfo uri) {
        return new Problem("about:blank", e.title(), e.status(), e.getMessage(), null, null).withInstance(uri).response()
                .build();
    }
}
