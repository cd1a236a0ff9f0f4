package dev.closer.app.scoring.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.closer.app.auth.Roles;
import dev.closer.app.lead.Lead;
import dev.closer.app.lead.rest.LeadView;
import dev.closer.app.problem.Problem;
import dev.closer.app.scoring.LeadScorer;
import dev.closer.inference.tabular.Times;
import dev.closer.ingest.data.LeadData;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
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

@Path("/v1/score")
@Tag(name = "Scoring", description = "Score a lead without storing it")
@RolesAllowed({Roles.ADMIN, Roles.MANAGER, Roles.REP})
public class ScoreResource {

    /** Optional keys beside the lead fields: its recent timeline and its account's fields. */
    static final String ACTIVITIES = "activities";
    static final String ACCOUNT = "account";

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
                    + "probability, score, grade, model and factors, as the stored scores have them. factors=false "
                    + "skips the explanation (one model run instead of one per feature and kind of activity).")
    public Response score(Map<String, Object> body, @QueryParam("factors") @DefaultValue("true") boolean factors) {
        if (body == null) {
            return invalid(List.of("the body must be a JSON object of lead fields"));
        }
        List<String> errors = new ArrayList<>();
        Object activities = body.get(ACTIVITIES);
        Object account = body.get(ACCOUNT);
        body.keySet().stream().filter(k -> !FIELDS.contains(k) && !ACTIVITIES.equals(k) && !ACCOUNT.equals(k)).sorted().forEach(k -> errors.add(k
                + ": unknown field (custom properties go under attributes)"));
        if (!errors.isEmpty()) {
            return invalid(errors);
        }
        if (activities != null && !(activities instanceof List<?>)) {
            errors.add(ACTIVITIES + ": must be a list of {type, occurredAt, properties}");
        } else if (activities != null) {
            int i = 0;
            for (Object a : (List<?>) activities) {
                if (!(a instanceof Map<?, ?> m) || !(m.get("type") instanceof String t) || t.isBlank()
                        || !validTime(m.get("occurredAt"))) {
                    errors.add(ACTIVITIES + "[" + i + "]: needs a type and an ISO-8601 occurredAt with an offset");
                }
                i++;
            }
        }
        if (account != null && !(account instanceof Map<?, ?>)) {
            errors.add(ACCOUNT + ": must be an object such as {\"industry\": \"Software\", \"employees\": 250}");
        }
        if (!errors.isEmpty()) {
            return invalid(errors);
        }
        Map<String, Object> fields = new HashMap<>(body);
        fields.remove(ACTIVITIES);
        fields.remove(ACCOUNT);
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
        OffsetDateTime now = OffsetDateTime.now();
        lead.apply(data, now);
        Map<String, Object> record = new HashMap<>(lead.features());
        if (account instanceof Map<?, ?> a) {
            a.forEach((k, v) -> record.put(k.toString(), v));
        }
        record.put("activities", activities == null ? List.of() : activities);
        record.put("asOf", now.toInstant());
        LeadScorer.Result r;
        try {
            r = (factors ? scorer.score(List.of(record)) : scorer.scoreWithoutFactors(List.of(record))).get(0);
        } catch (IllegalArgumentException e) {
            return invalid(List.of(e.getMessage()));
        }
        return Response.ok(new LeadView.ScoreView(r.probability(), r.score(), r.grade(),
                scorer.modelName() + "/" + r.modelVersion(), r.factors(), now)).build();
    }

    private static boolean validTime(Object value) {
        if (!(value instanceof String)) {
            return false;
        }
        try {
            Times.instant(ACTIVITIES, value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Response invalid(List<String> errors) {
        return Problem.of(Response.Status.BAD_REQUEST, String.join("; ", errors)).withInstance("/api/v1/score")
                .withErrors(errors).response().build();
    }
}
