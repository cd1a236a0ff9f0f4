package dev.closer.app.auth;

import dev.closer.app.config.CloserConfig;
import io.quarkus.cache.CacheInvalidateAll;
import io.quarkus.cache.CacheResult;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.NotFoundException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Optional;
import org.apache.commons.codec.digest.DigestUtils;
import org.jboss.logging.Logger;

/**
 * API keys: {@code ck_} followed by 32 random bytes in base64url. Only the key's SHA-256 is stored; with 256 bits
 * of randomness a fast hash is enough (no password stretching needed) and lookups stay one index probe.
 */
@ApplicationScoped
@Transactional
public class ApiKeyService {

    private static final Logger LOG = Logger.getLogger(ApiKeyService.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(1);
    static final String BOOTSTRAP_ADMIN = "admin";
    static final String CACHE = "api-keys";

    @Inject
    ApiKeyRepository keys;
    @Inject
    AppUserRepository users;
    @Inject
    CloserConfig config;

    /** A key just created: the only time the key itself is available. */
    public record CreatedKey(long id, String key, String userId, String role, String team) {
    }

    static String hash(String key) {
        return DigestUtils.sha256Hex(key);
    }

    static String newKey() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return "ck_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /**
     * The caller whose key has this SHA-256, when it is known and not revoked. Cached for
     * {@code quarkus.cache.caffeine."api-keys".expire-after-write}, so a request costs no query; revoking a key
     * clears the cache of this instance (other instances notice within that time).
     */
    @CacheResult(cacheName = CACHE)
    public Optional<Caller> identify(String keyHash) {
        return keys.findActiveByHash(keyHash).flatMap(apiKey -> users.findByIdOptional(apiKey.userId).map(user -> {
            OffsetDateTime now = OffsetDateTime.now();
            if (apiKey.lastUsedAt == null || apiKey.lastUsedAt.isBefore(now.minus(LAST_USED_RESOLUTION))) {
                apiKey.lastUsedAt = now;
            }
            return new Caller(user.id, user.role, user.team);
        }));
    }

    /** Creates a key for the user, creating the user when new (an existing user keeps its role and team). */
    public CreatedKey create(String userId, String displayName, String role, String team, String label) {
        AppUser user = users.findByIdOptional(userId).orElseGet(() -> {
            AppUser created = new AppUser();
            created.id = userId;
            created.displayName = displayName == null ? userId : displayName;
            created.role = role;
            created.team = team;
            users.persist(created);
            return created;
        });
        return store(user, newKey(), label);
    }

    private CreatedKey store(AppUser user, String key, String label) {
        ApiKey apiKey = new ApiKey();
        apiKey.userId = user.id;
        apiKey.keyHash = hash(key);
        apiKey.label = label;
        keys.persist(apiKey);
        return new CreatedKey(apiKey.id, key, user.id, user.role, user.team);
    }

    @CacheInvalidateAll(cacheName = CACHE)
    public void revoke(long id) {
        ApiKey apiKey = keys.findByIdOptional(id).orElseThrow(() -> new NotFoundException("No API key " + id));
        if (apiKey.revokedAt == null) {
            apiKey.revokedAt = OffsetDateTime.now();
        }
    }

    /**
     * Makes sure an admin can get in: accepts the configured bootstrap key, or, when none is configured and no
     * admin key exists, creates one and prints it once. Instances starting together take turns (an advisory
     * lock for the transaction), so the second finds what the first stored instead of failing on it.
     */
    void bootstrap(@Observes @Priority(15) StartupEvent start) {
        users.getEntityManager().createNativeQuery(
                "select count(*) from (select pg_advisory_xact_lock(hashtext('closer.auth:bootstrap'))) as l")
                .getSingleResult();
        AppUser admin = users.findByIdOptional(BOOTSTRAP_ADMIN).orElseGet(() -> {
            AppUser created = new AppUser();
            created.id = BOOTSTRAP_ADMIN;
            created.displayName = "Administrator";
            created.role = Roles.ADMIN;
            users.persist(created);
            return created;
        });
        Optional<String> configured = config.auth().bootstrapAdminKey().filter(k -> !k.isBlank());
        if (configured.isPresent()) {
            String key = configured.get().strip();
            if (key.length() < 32) {
                throw new IllegalStateException("closer.auth.bootstrap-admin-key must be at least 32 characters");
            }
            if (keys.find("keyHash", hash(key)).firstResultOptional().isEmpty()) {
                store(admin, key, "bootstrap (from configuration)");
                LOG.info("Accepted the configured bootstrap admin API key");
            }
        } else if (!keys.anyActiveAdmin()) {
            CreatedKey created = store(admin, newKey(), "bootstrap (generated at first start)");
            LOG.infof("%n%n  First admin API key (shown once, store it now): %s%n", created.key());
        }
    }
}
