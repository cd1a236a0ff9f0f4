package dev.closer.app.db;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Reading nullable columns the JDBC driver has no boxed getter for. */
public final class Columns {

    private Columns() {
    }

    /**
     * A nullable {@code real}, {@code double precision} or {@code numeric} column as a Double. Not
     * {@code rs.getObject(i, Double.class)}: the PostgreSQL driver refuses it for {@code real} (float4) and
     * {@code numeric}; nor {@code getObject(i)}: a float4 comes back as a Float whose widening shows 0.43 as
     * 0.4300000071525574, where getDouble reads the server's 0.43. Integer and Long columns need no helper:
     * {@code rs.getObject(i, Long.class)}.
     */
    public static Double dbl(ResultSet rs, int i) throws SQLException {
        double v = rs.getDouble(i);
        return rs.wasNull() ? null : v;
    }
}
