package dev.closer.app.auth;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who is calling: the user behind the API key, their role and team.
 *
 * @param userId the user's id, which is also the owner id on the leads they own
 */
public record Caller(String userId, String role, String team) {

    static final String TEAM = "closer.team";
    static final String ROLE = "closer.role";

    public static Caller of(SecurityIdentity identity) {
        return new Caller(identity.getPrincipal().getName(), identity.getAttribute(ROLE), blankToNull(identity.getAttribute(TEAM)));
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    public boolean isAdmin() {
        return Roles.ADMIN.equals(role);
    }

    public boolean isManager() {
        return Roles.MANAGER.equals(role);
    }
}
