package dev.closer.app.health;

import dev.closer.app.config.CloserConfig;
import dev.closer.app.scoring.ScorePublisher;
import dev.closer.app.scoring.ScoringWorker;
import dev.closer.app.scoring.batch.NightlyRescore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the lead-scoring worker runs (or is switched off for this instance). The last error of the worker,
 * of the nightly batch's chunk work and of the score publisher (Kafka away: changes wait in the outbox) show as
 * data; they do not make the instance unready, since each is retried.
 */
@Readiness
@ApplicationScoped
public class ScoringHealthCheck implements HealthCheck {

    @Inject
    ScoringWorker worker;
    @Inject
    NightlyRescore batch;
    @Inject
    ScorePublisher publisher;
    @Inject
    CloserConfig config;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("lead-scoring worker");
        if (batch.lastError() != null) {
            response.withData("batchLastError", batch.lastError().toString());
        }
        if (publisher.lastError() != null) {
            response.withData("publisherLastError", publisher.lastError().toString());
        }
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
