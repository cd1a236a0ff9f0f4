package dev.closer.app.lead;

import dev.closer.ingest.data.LeadData;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A person who may buy, as the CRM last described them. */
@Entity
@Table(name = "leads")
public class Lead {

    @Id
    public String id;
    @Column(name = "account_id")
    public String accountId;
    public String email;
    @Column(name = "first_name")
    public String firstName;
    @Column(name = "last_name")
    public String lastName;
    public String title;
    public String seniority;
    public String department;
    public String source;
    public String origin;
    public String country;
    public String occupation;
    @Column(name = "website_visits")
    public Double websiteVisits;
    @Column(name = "website_seconds")
    public Double websiteSeconds;
    @Column(name = "page_views_per_visit")
    public Double pageViewsPerVisit;
    @Column(name = "do_not_email")
    public Boolean doNotEmail;
    public String status;
    @Column(name = "owner_id")
    public String ownerId;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> attributes = new HashMap<>();
    @Column(name = "crm_created_at")
    public OffsetDateTime crmCreatedAt;
    @Column(name = "event_time")
    public OffsetDateTime eventTime;
    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;
    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    /** Replaces this lead's state with the event's: an upsert carries the lead's whole current state. */
    public void apply(LeadData data, OffsetDateTime eventTime) {
        id = data.id();
        accountId = data.accountId();
        email = data.email();
        firstName = data.firstName();
        lastName = data.lastName();
        title = data.title();
        seniority = data.seniority();
        department = data.department();
        source = data.source();
        origin = data.origin();
        country = data.country();
        occupation = data.occupation();
        websiteVisits = data.websiteVisits();
        websiteSeconds = data.websiteSeconds();
        pageViewsPerVisit = data.pageViewsPerVisit();
        doNotEmail = data.doNotEmail();
        status = data.status() == null ? "open" : data.status();
        ownerId = data.ownerId();
        attributes = data.attributes() == null ? new HashMap<>() : new HashMap<>(data.attributes());
        crmCreatedAt = data.createdAt();
        this.eventTime = eventTime;
        updatedAt = OffsetDateTime.now();
    }

    /**
     * The lead's fields under the names CloudEvents and the models' {@code features.json} use. Models pick the
     * features they were trained on by these names.
     */
    public Map<String, Object> features() {
        Map<String, Object> f = new HashMap<>(attributes);
        f.put("accountId", accountId);
        f.put("title", title);
        f.put("seniority", seniority);
        f.put("department", department);
        f.put("source", source);
        f.put("origin", origin);
        f.put("country", country);
        f.put("occupation", occupation);
        f.put("websiteVisits", websiteVisits);
        f.put("websiteSeconds", websiteSeconds);
        f.put("pageViewsPerVisit", pageViewsPerVisit);
        f.put("doNotEmail", doNotEmail);
        f.put("status", status);
        return f;
    }
}
