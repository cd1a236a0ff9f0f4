package dev.closer.app.outbound.crm;

import dev.closer.app.outbound.AttemptOutcome;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Sets a lead's score and grade on its record in one CRM, through the CRM's REST API. */
public interface CrmWriter {

    /**
     * The CRM's own id of a Closer lead id of this source (the source's id prefix removed), when the rest has the
     * shape of a record id this writer writes to.
     */
    Optional<String> crmId(String leadId);

    /**
     * One attempt: the request (and, for Salesforce, a token when there is none or the CRM refused the one it had)
     * and what came of it. Never completes exceptionally.
     */
    CompletableFuture<AttemptOutcome> write(String crmId, int score, String grade);
}
