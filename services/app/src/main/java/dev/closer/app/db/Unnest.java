package dev.closer.app.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.Function;

/**
 * Set-based SQL: one statement for a whole batch of rows, each column bound as one SQL array and turned back
 * into rows by {@code unnest(?::text[], ?::float8[], ...)}. The way Closer writes batches (events, scores,
 * shadow scores): one round trip however many rows, and no statement batching to tune.
 */
public final class Unnest {

    private Unnest() {
    }

    /** Binds the parameters of one statement, in order. */
    @FunctionalInterface
    public interface Binder {
        void bind(Columns columns) throws SQLException;
    }

    /** Runs one set-based statement over {@code rows}; returns the rows it changed (0, without a query, for none). */
    public static int execute(Connection c, ObjectMapper json, List<?> rows, String sql, Binder binder)
            throws SQLException {
        if (rows.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(new Columns(c, ps, json));
            return ps.executeUpdate();
        }
    }

    /** Binds one SQL array parameter per column (or a scalar), in parameter order. */
    public static final class Columns {
        private final Connection c;
        private final PreparedStatement ps;
        private final ObjectMapper json;
        private int next = 1;

        public Columns(Connection c, PreparedStatement ps, ObjectMapper json) {
            this.c = c;
            this.ps = ps;
            this.json = json;
        }

        private <T> Columns bind(String sqlType, List<T> rows, Function<T, ?> value) throws SQLException {
            Object[] values = new Object[rows.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = value.apply(rows.get(i));
            }
            ps.setArray(next++, c.createArrayOf(sqlType, values));
            return this;
        }

        /** A scalar text parameter, the same for every row. */
        public Columns scalar(String value) throws SQLException {
            ps.setString(next++, value);
            return this;
        }

        /** A scalar bigint parameter (null allowed), the same for every row. */
        public Columns scalar(Long value) throws SQLException {
            ps.setObject(next++, value, java.sql.Types.BIGINT);
            return this;
        }

        /** A scalar number of seconds, for {@code make_interval(secs => ?)}. */
        public Columns seconds(Duration d) throws SQLException {
            ps.setDouble(next++, d.toMillis() / 1000.0);
            return this;
        }

        public <T> Columns text(List<T> rows, Function<T, String> value) throws SQLException {
            return bind("text", rows, value);
        }

        public <T> Columns ints(List<T> rows, Function<T, Integer> value) throws SQLException {
            return bind("int4", rows, value);
        }

        public <T> Columns longs(List<T> rows, Function<T, Long> value) throws SQLException {
            return bind("int8", rows, value);
        }

        public <T> Columns doubles(List<T> rows, Function<T, Double> value) throws SQLException {
            return bind("float8", rows, value);
        }

        public <T> Columns bools(List<T> rows, Function<T, Boolean> value) throws SQLException {
            return bind("bool", rows, value);
        }

        /** Timestamps travel as ISO-8601 text, cast by the statement. */
        public <T> Columns time(List<T> rows, Function<T, OffsetDateTime> value) throws SQLException {
            return bind("text", rows, row -> {
                OffsetDateTime t = value.apply(row);
                return t == null ? null : t.toString();
            });
        }

        /** JSON documents travel as text, cast by the statement; null becomes an empty object. */
        public <T> Columns json(List<T> rows, Function<T, Object> value) throws SQLException {
            return bind("text", rows, row -> {
                Object v = value.apply(row);
                try {
                    return v == null ? "{}" : json.writeValueAsString(v);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("cannot write JSON: " + e.getMessage(), e);
                }
            });
        }
    }
}
