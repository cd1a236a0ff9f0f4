package dev.closer.app.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;

/** Reading nullable columns the JDBC driver has no boxed getter for. */
public final class Columns {

    private Columns() {
    }

    /**
     * A nullable {@code real}, {@code double precision} or {@code numeric} column as a Double. Not
     * {@code rs.getObject(i, Double.class)}: the PostgreSQL driver refuses it for {@code real} (float4) and
     * {@code numeric}. A {@code real} is read as the float it is and given its shortest decimal (0.43, not the
     * 0.4300000071525574 a widening shows): the driver's getDouble returns one or the other depending on whether the
     * statement has been run often enough on that connection to switch to binary transfer. Integer and Long columns
     * need no helper: {@code rs.getObject(i, Long.class)}.
     */
    public static Double dbl(ResultSet rs, int i) throws SQLException {
        if (rs.getMetaData().getColumnType(i) == Types.REAL) {
            float f = rs.getFloat(i);
            return rs.wasNull() ? null : Double.valueOf(Float.toString(f));
        }
        double v = rs.getDouble(i);
        return rs.wasNull() ? null : v;
    }
}
