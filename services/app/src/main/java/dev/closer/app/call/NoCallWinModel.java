package dev.closer.app.call;

import dev.closer.ingest.call.CallAnalyzer;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** No call-win model yet: every call's win_probability stays null (see {@link CallWinOdds}). */
@ApplicationScoped
@DefaultBean
public class NoCallWinModel implements CallWinOdds {

    @Override
    public Optional<Double> predict(String callId, String dealId, CallAnalyzer.Result analysis) {
        return Optional.empty();
    }
}
