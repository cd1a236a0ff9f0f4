package dev.closer.app.db;

import java.util.function.IntUnaryOperator;
import org.jboss.logging.Logger;

/**
 * The drain loop of the table-driven workers (replies to classify, sent emails to predict, calls to analyse): each takes
 * up to a batch of rows that are not done yet with {@code FOR UPDATE SKIP LOCKED}, in its own transaction, so a restart
 * or a second instance loses and repeats nothing. A full batch means there may be more; a failure leaves the rows
 * queued for the next tick.
 */
public final class TableQueue {

    private TableQueue() {
    }

    /**
     * Runs {@code step} (which takes and handles up to the given number of rows and returns how many it took) until it
     * takes less than a full batch or fails; a failure is logged with {@code what}.
     */
    public static void drain(Logger log, String what, int batch, IntUnaryOperator step) {
        try {
            while (step.applyAsInt(batch) == batch) {
                // a full batch: there may be more
            }
        } catch (RuntimeException e) {
            log.warnf(e, "%s failed; the rows stay queued and are tried again", what);
        }
    }
}
