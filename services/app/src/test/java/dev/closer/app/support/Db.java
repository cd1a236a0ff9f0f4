package dev.closer.app.support;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.List;

/** Reading the test database directly, in a transaction of its own. */
public final class Db {

    private Db() {
    }

    /** The rows a native query answers ({@code ?1}, {@code ?2}, ... bound to {@code params}). */
    public static List<?> rows(EntityManager em, String sql, Object... params) {
        return QuarkusTransaction.requiringNew().call(() -> {
            var q = em.createNativeQuery(sql);
            for (int i = 0; i < params.length; i++) {
                q.setParameter(i + 1, params[i]);
            }
            return new ArrayList<>(q.getResultList());
        });
    }

    /** The number a native query answers. */
    public static long count(EntityManager em, String sql, Object... params) {
        return ((Number) rows(em, sql, params).get(0)).longValue();
    }

    /** The first column of the first row a native query answers, as text; null when none or SQL null. */
    public static String text(EntityManager em, String sql, Object... params) {
        List<?> rows = rows(em, sql, params);
        return rows.isEmpty() || rows.get(0) == null ? null : rows.get(0).toString();
    }
}
