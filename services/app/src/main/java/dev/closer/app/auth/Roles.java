package dev.closer.app.auth;

/** The roles an API key carries. */
public final class Roles {
    /** Everything, including keys and models. */
    public static final String ADMIN = "admin";
    /** Their team's leads; may send events. */
    public static final String MANAGER = "manager";
    /** Their own leads. */
    public static final String REP = "rep";

    private Roles() {
    }
}
