package dev.closer.app.auth;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A person or integration that holds API keys. Its id is the owner id CRM events use for leads. */
@Entity
@Table(name = "users")
public class AppUser {

    @Id
    public String id;
    @Column(name = "display_name")
    public String displayName;
    public String role;
    public String team;
    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;
}
