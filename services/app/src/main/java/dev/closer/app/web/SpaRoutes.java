package dev.closer.app.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * Deep links into the web UI ({@code /leads/lead-42} typed into the address bar or reloaded) answer the UI's
 * index.html, and the UI's router shows the page.
 *
 * <p>Quinoa's own SPA routing runs after the REST layer, and that layer answers an unknown path with a 404 problem
 * (our {@code WebApplicationException} mapper) instead of passing it on, so the fallback is decided here, before
 * REST: a browser navigation ({@code GET} that accepts {@code text/html}) to anything but the API, the
 * management endpoints or the UI's built files is rerouted to {@code /}. API clients (which do not ask for HTML)
 * still get problem details for unknown paths.
 */
@Singleton
public class SpaRoutes {

    static boolean isUiNavigation(HttpMethod method, String path, String accept) {
        return HttpMethod.GET.equals(method) && path != null && !path.equals("/") && accept != null
                && accept.contains("text/html") && !path.startsWith("/api/") && !path.equals("/api")
                && !path.startsWith("/q/") && !path.equals("/q") && !path.startsWith("/assets/");
    }

    void routes(@Observes Router router) {
        router.route().order(-100).handler(ctx -> {
            if (isUiNavigation(ctx.request().method(), ctx.normalizedPath(),
                    ctx.request().getHeader(HttpHeaders.ACCEPT))) {
                ctx.reroute("/");
            } else {
                ctx.next();
            }
        });
    }
}
