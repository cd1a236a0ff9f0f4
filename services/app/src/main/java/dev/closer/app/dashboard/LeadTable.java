package dev.closer.app.dashboard;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The lead table's query options: which column sorts, which way, and the filters. Columns are named by the API
 * (score, grade, change, owner, lastActivity, name, scoredAt) and mapped to SQL here, so nothing the caller sends
 * reaches the SQL text.
 */
public record LeadTable(String sort, boolean descending, String grade, String ownerId, String status, String q,
                        int offset, int limit) {

    static final Map<String, String> SORT_COLUMNS = Map.of(
            "score", "ls.score",
            "grade", "ls.grade",
            "change", "ls.score - ls.prev_score",
            "owner", "u.display_name",
            "lastActivity", "(select max(x.occurred_at) from activities x where x.lead_id = l.id)",
            "scoredAt", "ls.scored_at",
            "name", "lower(coalesce(l.last_name, '') || ' ' || coalesce(l.first_name, ''))");

    /** The SQL expression for a sort column, or empty when the column is not one of ours. */
    public static Optional<String> sortColumn(String sort) {
        return Optional.ofNullable(SORT_COLUMNS.get(sort));
    }

    /** {@code A}..{@code D}, upper-cased, or empty when it is not a grade. */
    public static Optional<String> grade(String grade) {
        if (grade == null || grade.isBlank()) {
            return Optional.empty();
        }
        String g = grade.strip().toUpperCase(Locale.ROOT);
        return g.matches("[ABCD]") ? Optional.of(g) : Optional.empty();
    }

    /** The SQL expression the table sorts by. */
    public String sortExpression() {
        return sortColumn(sort).orElseThrow();
    }

    /** {@code ORDER BY} text: {@code key} in this table's direction, missing values last, then {@code id} so that
     * pages are stable. */
    public String orderBy(String key, String id) {
        return key + (descending ? " desc" : " asc") + " nulls last, " + id;
    }
}
