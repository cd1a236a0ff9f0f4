package dev.closer.app.call;

import dev.closer.ingest.call.CallAnalyzer;
import java.util.Optional;

/**
 * The hook for a call-win model (issue #6's win odds, trained separately in {@code ml/}): the probability that the
 * call's deal is won, given its analysis. {@link CallAnalysis} asks it for every analysed call and stores the answer
 * in {@code call_analyses.win_probability}; empty leaves it null.
 *
 * <p>To serve a model: load its bundle in {@link dev.closer.app.text.TextModels} (as {@code replyModel()} does, with
 * the parity check), encode its features from the {@link CallAnalyzer.Result} (metrics, tone trend, tracker hits)
 * and the deal, and provide an {@code @ApplicationScoped} implementation of this interface: it replaces
 * {@link NoCallWinModel}, which is only the default bean.
 */
public interface CallWinOdds {

    /** p(won) of the call's deal, or empty when no model is served or the call has no deal. */
    Optional<Double> predict(String callId, String dealId, CallAnalyzer.Result analysis);
}
