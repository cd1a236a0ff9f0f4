package dev.closer.app.email.rest;

import dev.closer.app.auth.Roles;
import dev.closer.app.config.CloserConfig;
import dev.closer.app.email.ReplyIntents;
import dev.closer.app.text.TextInput;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Reply intent on demand. */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Replies", description = "Intent of inbound replies")
@RolesAllowed({Roles.ADMIN, Roles.MANAGER, Roles.REP})
public class ReplyResource {

    @Inject
    ReplyIntents intents;
    @Inject
    CloserConfig config;

    public record ClassifyRequest(String body) {
    }

    @POST
    @Path("replies/classify")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Classify a reply's raw body (plain text or HTML) as interested, objection, referral, "
            + "unsubscribe, out_of_office or not_interested, with its confidence; nothing is stored",
            description = "The quoted chain, the signature and HTML are stripped first (newText, stripped). A body with "
                    + "no new text gets no_text. acted says what Closer would do when it ingests such a reply "
                    + "(do_not_email for an unsubscribe at or above threshold); needsReview marks an unsubscribe "
                    + "below it. 400 for an empty or binary body, 413 above closer.emails.max-text-size.")
    public ReplyIntents.Classified classify(ClassifyRequest request) {
        if (request == null) {
            throw new BadRequestException("Send {\"body\": \"...\"}: the reply's raw body");
        }
        String body = TextInput.check("body", request.body(), true, config.emails().maxTextSize().asLongValue());
        return intents.classify(body);
    }
}
