package dev.closer.app.scoring.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.auth.Roles;
import dev.closer.app.lead.Lead;
import dev.closer.app.lead.rest.LeadView;
import dev.closer.app.problem.Problem;
import dev.closer.app.scoring.LeadScorer;
import dev.closer.ingest.data.LeadData;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/score")
@Tag(name = "Scoring", description = "Score a lead without storing it")
@RolesAllowed({Roles.ADMIN, Roles.MANAGER, Roles.REP})
public class ScoreResource {

    private static final Set<String> FIELDS = Arrays.stream(LeadData.class.getRecordComponents())
            .map(c -> c.getName()).collect(Collectors.toCollection(TreeSet::new));

    @Inject
    LeadScorer scorer;
    @Inject
    ObjectMapper json;
    @Inject
    Validator validator;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Score a lead payload ad hoc (for CRM integrations); nothing is stored",
            description = "The body holds lead fields as in closer.lead.upserted data (id optional). Answers the "
                    + "probability, score, grade, model and factors, as the stored scores have them.")
    public Response score(Map<String, Object> body) {
        if (body == null) {
            return invalid(List.of("the body must be a JSON object of lead fields"));
        }
        List<String> errors = new ArrayList<>();
        body.keySet().stream().filter(k -> !FIELDS.contains(k)).sorted().forEach(k -> errors.add(k
                + ": unknown field (custom properties go under attributes)"));
        if (!errors.isEmpty()) {
            return invalid(errors);
        }
        Map<String, Object> fields = new HashMap<>(body);
        fields.putIfAbsent("id", "ad-hoc");
        LeadData data;
        try {
            data = json.convertValue(fields, LeadData.class);
        } catch (IllegalArgumentException e) {
            return invalid(List.of("a field has the wrong type: " + e.getMessage().split("\n")[0]));
        }
        for (ConstraintViolation<LeadData> v : validator.validate(data)) {
            errors.add(v.getPropertyPath() + ": " + v.getMessage());
        }
        if (!errors.isEmpty()) {
            errors.sort(null);
            return invalid(errors);
        }
        Lead lead = new Lead();
        lead.apply(data, OffsetDateTime.now());
        LeadScorer.Result r = scorer.score(List.of(lead)).get(0);
        return Response.ok(new LeadView.ScoreView(r.probability(), r.score(), r.grade(),
                scorer.modelName() + "/" + scorer.modelVersion(), r.factors(), OffsetDateTime.now())).build();
    }

    private static Response invalid(List<String> errors) {
        return Problem.of(Response.Status.BAD_REQUEST, String.join("; ", errors)).withInstance("/api/v1/score")
                .withErrors(errors).response().build();
    }
}
