package dev.closer.app.support;

import static dev.closer.app.support.Api.unique;

import dev.closer.app.auth.ApiKeyService;
import dev.closer.app.auth.Roles;

/**
 * Who sees what, for visibility tests: a rep and a manager of one team, a rep of another, an admin, and the ids of
 * a lead for each rep (not posted: each test posts them as it needs).
 */
public record Teams(ApiKeyService.CreatedKey repEast, ApiKeyService.CreatedKey repWest,
                    ApiKeyService.CreatedKey managerEast, String admin, String eastLead, String westLead) {

    /** Fresh users and keys, in fresh teams. */
    public static Teams create(ApiKeyService keys) {
        String team = unique("east");
        return new Teams(Api.newKey(keys, Roles.REP, team), Api.newKey(keys, Roles.REP, unique("west")),
                Api.newKey(keys, Roles.MANAGER, team), Api.newKey(keys, Roles.ADMIN, null).key(), unique("lead"),
                unique("lead"));
    }
}
