package dev.closer.app.support;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.persistence.EntityManager;

/** Reading the test database directly, in a transaction of its own. */
public final class Db {

    private Db() {
    }

    /** The number a native query answers ({@code ?1}, {@code ?2}, ... bound to {@code params}). */
    public static long count(EntityManager em, String sql, Object... params) {
        return QuarkusTransaction.requiringNew().call(() -> {
            var q = em.createNativeQuery(sql);
            for (int i = 0; i < params.length; i++) {
                q.setParameter(i + 1, params[i]);
            }
            return ((Number) q.getSingleResult()).longValue();
        });
    }

    /** The first column of the first row a native query answers, as text; null when none or SQL null. */
    public static String text(EntityManager em, String sql, Object... params) {
        return QuarkusTransaction.requiringNew().call(() -> {
            var q = em.createNativeQuery(sql);
            for (int i = 0; i < params.length; i++) {
                q.setParameter(i + 1, params[i]);
            }
            java.util.List<?> rows = q.getResultList();
            return rows.isEmpty() || rows.get(0) == null ? null : rows.get(0).toString();
        });
    }
}
