package dev.closer.app.account;

import dev.closer.ingest.data.AccountData;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A company that leads belong to. */
@Entity
@Table(name = "accounts")
public class Account {

    @Id
    public String id;
    public String name;
    public String domain;
    public String industry;
    public Integer employees;
    public String country;
    @Column(name = "annual_revenue")
    public Double annualRevenue;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> attributes = new HashMap<>();
    @Column(name = "event_time")
    public OffsetDateTime eventTime;
    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;

    public void apply(AccountData data, OffsetDateTime eventTime) {
        id = data.id();
        name = data.name();
        domain = data.domain();
        industry = data.industry();
        employees = data.employees();
        country = data.country();
        annualRevenue = data.annualRevenue();
        attributes = data.attributes() == null ? new HashMap<>() : new HashMap<>(data.attributes());
        this.eventTime = eventTime;
        updatedAt = OffsetDateTime.now();
    }
}
