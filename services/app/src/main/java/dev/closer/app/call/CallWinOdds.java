package dev.closer.app.call;

import dev.closer.ingest.call.CallAnalyzer;
import dev.closer.ingest.data.CallTranscribedData.Utterance;
import java.util.List;
import java.util.Optional;

/**
 * The hook for a call-win model (issue #6's win odds, trained separately in {@code ml/}): the probability that the
 * call's deal is won, given its analysis. {@link CallAnalysis} asks it for every analysed call and stores the answer
 * in {@code call_analyses.win_probability}; empty leaves it null.
 *
 * <p>{@link ServedCallWinModel} serves {@code ml/models/call-win}.
 */
public interface CallWinOdds {

    /** p(won) of the call's deal, or empty when no model is served or the call has no deal. */
    Optional<Double> predict(String callId, String dealId, List<Utterance> utterances, CallAnalyzer.Result analysis);
}
