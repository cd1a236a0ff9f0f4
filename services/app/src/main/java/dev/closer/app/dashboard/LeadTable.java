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
            "lastActivity", "la.last_at",
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

    /** Whether the table sorts by last activity, which then has to be read for every lead, not only the page's. */
    public boolean sortsByLastActivity() {
        return "lastActivity".equals(sort);
    }

    /** The SQL expression the table sorts by. */
    public String sortExpression() {
        return sortColumn(sort).orElseThrow();
    }

    /** {@code ORDER BY} text: the column, the direction, missing values last, then id so pages are stable. */
    public String orderBy() {
        return orderBy(sortExpression(), "l.id");
    }

    /** The same order on other expressions: {@code key} in this table's direction, then {@code id}. */
    public String orderBy(String key, String id) {
        return key + (descending ? " desc" : " asc") + " nulls last, " + id;
    }
}
