package dev.closer.app.call;

import dev.closer.app.config.CloserConfig;
import dev.closer.app.text.TextModels;
import dev.closer.ingest.call.CallAnalyzer;
import dev.closer.ingest.call.CallFeaturesCommand;
import dev.closer.inference.InferenceException;
import dev.closer.inference.tabular.TabularModel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Win odds from the call-win model ({@code ml/models/call-win/v1}, closer.calls.win-model): the call's features exactly
 * as {@link CallFeaturesCommand#features} writes them for training (CallMetrics plus the default keyword trackers'
 * counts per side), and the CRM context it was trained with: the call's type ({@code attributes.call_type}) and the
 * deal's tier ({@code attributes.tier}). Calls without a deal get none. A model that does not load leaves every
 * call's odds empty and says so once in the log.
 */
@ApplicationScoped
public class ServedCallWinModel {

    private static final Logger LOG = Logger.getLogger(ServedCallWinModel.class);

    @Inject
    TextModels models;
    @Inject
    CloserConfig config;

    private volatile boolean unavailable;

    /**
     * p(won) of the call's deal, or empty when the call has no deal or no model is served. analysis: the call's
     * analysis (its metrics and time-ordered utterances are the features' input, not validated or measured again);
     * callType, dealTier: {@code calls.attributes.call_type}, {@code deals.attributes.tier}.
     */
    public Optional<Double> predict(String dealId, String callType, String dealTier, CallAnalyzer.Result analysis) {
        if (dealId == null || unavailable || "none".equals(config.calls().winModel())) {
            return Optional.empty();
        }
        TabularModel model;
        try {
            model = models.callWinModel();
        } catch (InferenceException e) {
            unavailable = true;
            LOG.errorf("The call-win model %s does not load; calls get no win odds: %s", config.calls().winModel(),
                    e.getMessage());
            return Optional.empty();
        }
        Map<String, Object> record = new HashMap<>(CallFeaturesCommand.features(analysis.metrics(),
                analysis.utterances(), CallFeaturesCommand.DEFAULT_TRACKERS));
        record.put("callType", callType);
        record.put("dealTier", dealTier);
        return Optional.of((double) model.predict(List.of(record))[0]);
    }
}
