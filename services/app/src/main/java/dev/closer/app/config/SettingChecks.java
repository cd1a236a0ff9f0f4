package dev.closer.app.config;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The checks that settings (and the API's URLs) share, so that each is written once. */
public final class SettingChecks {

    private SettingChecks() {
    }

    /**
     * Adds {@code KEY: required} (with {@code what} in brackets, when given) to {@code problems} when the value is
     * missing or blank.
     *
     * @return whether the value is there
     */
    public static boolean require(List<String> problems, String key, Optional<String> value, String what) {
        if (value.filter(v -> !v.isBlank()).isPresent()) {
            return true;
        }
        problems.add(key + ": required" + (what == null ? "" : " (" + what + ")"));
        return false;
    }

    /** The value as an absolute http(s) URL with a host; empty when it is not one. */
    public static Optional<URI> httpUrl(String value) {
        try {
            URI uri = URI.create(value);
            return uri.isAbsolute() && Set.of("http", "https").contains(uri.getScheme()) && uri.getHost() != null
                    ? Optional.of(uri) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
