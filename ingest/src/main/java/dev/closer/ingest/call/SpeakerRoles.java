package dev.closer.ingest.call;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The caller's map from speaker name to role, for transcript formats that name speakers but not their roles.
 * Names match exactly after trimming and collapsing runs of whitespace. A speaker missing from the map gets the
 * default role when one is given; otherwise the parse fails with one error listing every such speaker and where
 * they first speak.
 */
final class SpeakerRoles {

    private final Map<String, String> roles = new LinkedHashMap<>();
    private final String defaultRole;
    private final Map<String, String> unknown = new LinkedHashMap<>();

    SpeakerRoles(Map<String, String> roles, String defaultRole) throws InvalidTranscriptException {
        List<String> errors = new ArrayList<>();
        if (roles != null) {
            roles.forEach((name, role) -> {
                if (name == null || name.isBlank()) {
                    errors.add("role map: a speaker name is blank");
                } else if (role == null || !CallTranscripts.ROLES.contains(role)) {
                    errors.add("role map: \"" + name + "\" has role \"" + role + "\" (rep, prospect or other)");
                } else {
                    this.roles.put(normalise(name), role);
                }
            });
        }
        if (defaultRole != null && !CallTranscripts.ROLES.contains(defaultRole)) {
            errors.add("default role \"" + defaultRole + "\" is not rep, prospect or other");
        }
        if (!errors.isEmpty()) {
            throw new InvalidTranscriptException(errors);
        }
        this.defaultRole = defaultRole;
    }

    static String normalise(String name) {
        return name.strip().replaceAll("\\s+", " ");
    }

    boolean known(String name) {
        return roles.containsKey(normalise(name));
    }

    /** The speaker's role, or null (remembered for {@link #unknownSpeakers}) when the map does not name them. */
    String roleOf(String name, String where) {
        String role = roles.get(name);
        if (role == null) {
            role = defaultRole;
        }
        if (role == null) {
            unknown.putIfAbsent(name, where);
        }
        return role;
    }

    /** One error naming every speaker the map lacks, or none. */
    List<String> unknownSpeakers() {
        if (unknown.isEmpty()) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        unknown.forEach((name, where) -> names.add("\"" + name + "\" (" + where + ")"));
        return List.of("speakers not in the role map (give each a role: rep, prospect or other): "
                + String.join(", ", names));
    }
}
