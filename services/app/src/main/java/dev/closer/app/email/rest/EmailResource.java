package dev.closer.app.email.rest;

import dev.closer.app.auth.Caller;
import dev.closer.app.auth.Roles;
import dev.closer.app.config.CloserConfig;
import dev.closer.app.email.ReplyPredictor;
import dev.closer.app.email.SentEmailPredictions;
import dev.closer.app.lead.LeadService;
import dev.closer.app.text.TextInput;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** p(reply) of a draft before it is sent, and how the predictions of sent emails compare with their replies. */
@Path("/v1/emails")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Emails", description = "Reply prediction before send")
@RolesAllowed({Roles.ADMIN, Roles.MANAGER, Roles.REP})
public class EmailResource {

    @Inject
    ReplyPredictor predictor;
    @Inject
    LeadService leads;
    @Inject
    SecurityIdentity identity;
    @Inject
    CloserConfig config;
    @Inject
    SentEmailPredictions predictions;

    @GET
    @Path("calibration")
    @RolesAllowed({Roles.ADMIN, Roles.MANAGER})
    @Operation(summary = "The reply model's calibration on real sends: predicted p(reply) of each sent email (made "
            + "at ingest) against whether it got a reply (an out-of-office is not one), in bins, with Brier score and "
            + "ECE", description = "Emails sent in the last `days` days and at least `settleDays` days ago.")
    public SentEmailPredictions.Calibration calibration(@QueryParam("days") @DefaultValue("90") @Min(1) @Max(3650)
                                                        int days,
                                                        @QueryParam("settleDays") @DefaultValue("7") @Min(0)
                                                        @Max(365) int settleDays,
                                                        @QueryParam("bins") @DefaultValue("10") @Min(2) @Max(50)
                                                        int bins) {
        if (settleDays >= days) {
            throw new BadRequestException("settleDays must be less than days");
        }
        return predictions.calibration(days, settleDays, bins);
    }

    /**
     * leadId: the recipient (optional; without it the recipient's context is unknown to the model); sendAt: when it
     * would go out (default now); recipientTimezone: IANA zone, default the lead's.
     */
    public record DraftRequest(String leadId, String subject, String body, Integer sequenceStep, String sendAt,
                               String recipientTimezone) {
    }

    @POST
    @Path("drafts/score")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Score a draft: p(reply), the factors behind it, and suggestions each scored by the model",
            description = "Suggestions (shorten, question, send_time) are variants of the draft that the reply model "
                    + "predicts more replies for, with their p(reply) and the gain in points; a variant the model does "
                    + "not favour is not suggested. 400 for an empty or binary text, an unknown time zone or a bad "
                    + "sendAt; 413 above closer.emails.max-text-size; 404 for an unknown lead, 403 for another rep's; "
                    + "503 when the model is not available.")
    public ReplyPredictor.Scored score(DraftRequest request) {
        if (request == null) {
            throw new BadRequestException("Send {\"subject\": \"...\", \"body\": \"...\"} and optionally leadId, "
                    + "sequenceStep, sendAt, recipientTimezone");
        }
        long max = config.emails().maxTextSize().asLongValue();
        String subject = TextInput.check("subject", request.subject(), false, max);
        String body = TextInput.check("body", request.body(), false, max);
        if (subject.isBlank() && body.isBlank()) {
            throw new BadRequestException("subject and body are empty: there is nothing to score");
        }
        TextInput.requireSize("subject + body", subject + body, max);
        if (request.sequenceStep() != null && request.sequenceStep() < 1) {
            throw new BadRequestException("sequenceStep must be 1 or more; got " + request.sequenceStep());
        }
        OffsetDateTime sendAt;
        try {
            sendAt = request.sendAt() == null || request.sendAt().isBlank() ? OffsetDateTime.now(ZoneOffset.UTC)
                    : OffsetDateTime.parse(request.sendAt().strip());
        } catch (DateTimeException e) {
            throw new BadRequestException("sendAt must be an ISO-8601 time with an offset, e.g. "
                    + "2026-03-03T09:00:00Z; got '" + request.sendAt() + "'");
        }
        String zone = request.recipientTimezone() == null || request.recipientTimezone().isBlank() ? null
                : request.recipientTimezone().strip();
        if (zone != null) {
            try {
                ZoneId.of(zone);
            } catch (DateTimeException e) {
                throw new BadRequestException("recipientTimezone must be an IANA time zone such as Europe/Berlin; got '"
                        + zone + "'");
            }
        }
        String leadId = request.leadId() == null || request.leadId().isBlank() ? null : request.leadId().strip();
        if (leadId != null) {
            leads.find(Caller.of(identity), leadId).orElseThrow(() -> new NotFoundException("No lead " + leadId));
        }
        Map<String, Object> context = predictor.context(leadId, sendAt)
                .orElseThrow(() -> new NotFoundException("No lead " + leadId));
        return predictor.score(new ReplyPredictor.Draft(leadId, subject, body, request.sequenceStep(), sendAt, zone),
                context);
    }
}
