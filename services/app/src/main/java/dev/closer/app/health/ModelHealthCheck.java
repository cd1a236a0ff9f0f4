package dev.closer.app.health;

import dev.closer.app.scoring.LeadScorer;
import dev.closer.app.scoring.registry.ModelRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only when the lead-scoring model is loaded. Shows the version serving, the shadow version, and the active
 * version of the registry when this instance could not load it (it then keeps serving the version it has).
 */
@Readiness
@ApplicationScoped
public class ModelHealthCheck implements HealthCheck {

    @Inject
    ModelRegistry registry;

    @Override
    public HealthCheckResponse call() {
        String name = LeadScorer.MODEL_NAME;
        var response = HealthCheckResponse.named("lead-score model");
        var serving = registry.servingVersion(name);
        if (serving.isEmpty()) {
            return response.down().build();
        }
        response.up().withData("model", name + "/" + serving.get());
        registry.shadowVersion(name).ifPresent(v -> response.withData("shadow", name + "/" + v));
        registry.pendingVersion(name).ifPresent(v -> response.withData("registryActive", name + "/" + v));
        registry.loadFailure(name).ifPresent(why -> response.withData("loadFailure", why));
        return response.build();
    }
}
