package dev.closer.app.call;

import dev.closer.app.config.CloserConfig;
import dev.closer.app.text.TextModels;
import dev.closer.ingest.call.CallAnalyzer;
import dev.closer.ingest.call.CallFeaturesCommand;
import dev.closer.ingest.call.InvalidTranscriptException;
import dev.closer.ingest.data.CallTranscribedData.Utterance;
import dev.closer.inference.InferenceException;
import dev.closer.inference.tabular.TabularModel;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.jboss.logging.Logger;

/**
 * Win odds from the call-win model ({@code ml/models/call-win/v1}, closer.calls.win-model): the call's features exactly
 * as {@link CallFeaturesCommand#features} writes them for training (CallMetrics plus the default keyword trackers'
 * counts per side), and the CRM context it was trained with: the call's type ({@code attributes.call_type}) and the
 * deal's tier ({@code attributes.tier}). Calls without a deal get none. A model that does not load leaves every
 * call's odds empty and says so once in the log.
 */
@ApplicationScoped
public class ServedCallWinModel implements CallWinOdds {

    private static final Logger LOG = Logger.getLogger(ServedCallWinModel.class);

    @Inject
    TextModels models;
    @Inject
    CloserConfig config;
    @Inject
    DataSource dataSource;

    private volatile boolean unavailable;

    @Override
    public Optional<Double> predict(String callId, String dealId, List<Utterance> utterances,
                                    CallAnalyzer.Result analysis) {
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
        Map<String, Object> record;
        try {
            record = new HashMap<>(CallFeaturesCommand.features(utterances, CallFeaturesCommand.DEFAULT_TRACKERS));
        } catch (InvalidTranscriptException e) {
            return Optional.empty();
        }
        record.putAll(context(callId, dealId));
        return Optional.of((double) model.predict(List.of(record))[0]);
    }

    private Map<String, Object> context(String callId, String dealId) {
        return QuarkusTransaction.joiningExisting().call(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                    select (select attributes ->> 'call_type' from calls where id = ?),
                           (select attributes ->> 'tier' from deals where id = ?)""")) {
                ps.setString(1, callId);
                ps.setString(2, dealId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    Map<String, Object> m = new HashMap<>();
                    m.put("callType", rs.getString(1));
                    m.put("dealTier", rs.getString(2));
                    return m;
                }
            }
        });
    }
}
