package dev.closer.app.health;

import dev.closer.app.config.CloserConfig;
import dev.closer.app.scoring.ScoringWorker;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the lead-scoring worker runs (or is switched off for this instance). */
@Readiness
@ApplicationScoped
public class ScoringHealthCheck implements HealthCheck {

    @Inject
    ScoringWorker worker;
    @Inject
    CloserConfig config;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("lead-scoring worker");
        if (!config.scoring().enabled()) {
            return response.up().withData("enabled", false).build();
        }
        Throwable error = worker.lastError();
        if (error != null) {
            response.withData("lastError", error.toString());
        }
        return response.status(worker.isRunning()).withData("debounce", config.scoring().debounce().toString())
                .build();
    }
}
