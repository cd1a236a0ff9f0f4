package dev.closer.app.lead.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.closer.app.lead.Lead;
import dev.closer.app.lead.LeadScore;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** A lead as the API shows it, with its latest score (null until scored). */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record LeadView(String id, String accountId, String email, String firstName, String lastName, String title,
                       String seniority, String department, String source, String origin, String country, String occupation, Double websiteVisits,
                       Double websiteSeconds, Double pageViewsPerVisit, Boolean doNotEmail, String status,
                       String ownerId, Map<String, Object> attributes, OffsetDateTime createdAt,
                       OffsetDateTime updatedAt, ScoreView score) {

    /** One score: probability to convert, 1–99 score, grade, and the model version that gave it. */
    public record ScoreView(double probability, int score, String grade, String model, List<Map<String, Object>> factors,
                            OffsetDateTime scoredAt) {
        public static ScoreView of(LeadScore s) {
            return s == null ? null : new ScoreView(s.probability, s.score, s.grade,
                    s.modelName + "/" + s.modelVersion, s.factors, s.scoredAt);
        }
    }

    public static LeadView of(Lead l, LeadScore latest) {
        return new LeadView(l.id, l.accountId, l.email, l.firstName, l.lastName, l.title, l.seniority,
                l.department, l.source, l.origin,
                l.country, l.occupation, l.websiteVisits, l.websiteSeconds, l.pageViewsPerVisit, l.doNotEmail,
                l.status, l.ownerId, l.attributes, l.crmCreatedAt, l.updatedAt, ScoreView.of(latest));
    }
}
