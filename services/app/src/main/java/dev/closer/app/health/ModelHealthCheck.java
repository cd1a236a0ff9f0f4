package dev.closer.app.health;

import dev.closer.app.scoring.LeadScorer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the lead-scoring model is loaded. */
@Readiness
@ApplicationScoped
public class ModelHealthCheck implements HealthCheck {

    @Inject
    LeadScorer scorer;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("lead-score model");
        return scorer.isLoaded()
                ? response.up().withData("model", scorer.modelName() + "/" + scorer.modelVersion()).build()
                : response.down().build();
    }
}
