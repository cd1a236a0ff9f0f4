package dev.closer.ingest.kafka;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Decides whether a failure to process a batch may pass if tried again (the database or broker is briefly
 * unreachable, a deadlock, a serialization conflict) or is a property of the record itself (a constraint
 * violated, a value out of range), which no retry will fix.
 */
public final class RetriableErrors {

    /** SQLSTATE classes that describe the server or connection, not the data. */
    private static final Set<String> TRANSIENT_SQL_STATE_CLASSES = Set.of(
            "08", // connection exception
            "40", // transaction rollback: serialization failure, deadlock
            "53", // insufficient resources
            "57", // operator intervention: admin shutdown, cannot connect now
            "58"); // system error: I/O

    private RetriableErrors() {
    }

    public static boolean isRetriable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof ConnectException
                    || t instanceof org.apache.kafka.common.errors.RetriableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().length() >= 2
                    && TRANSIENT_SQL_STATE_CLASSES.contains(sql.getSQLState().substring(0, 2))) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() == null && sql.getMessage() != null
                    && sql.getMessage().startsWith("Acquisition timeout")) {
                return true; // Agroal: no pooled connection became free in time
            }
        }
        return false;
    }
}
