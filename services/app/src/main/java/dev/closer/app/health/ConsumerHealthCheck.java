package dev.closer.app.health;

import dev.closer.app.events.CrmEventConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the CRM-events consumer runs (or is switched off for this instance). */
@Readiness
@ApplicationScoped
public class ConsumerHealthCheck implements HealthCheck {

    @Inject
    CrmEventConsumer consumer;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("crm-events consumer");
        if (!consumer.isEnabled()) {
            return response.up().withData("enabled", false).build();
        }
        Throwable error = consumer.lastError();
        if (error != null) {
            response.withData("lastError", error.toString());
        }
        return response.status(consumer.isRunning()).withData("topic", consumer.topic()).build();
    }
}
