package dev.closer.app.outbound;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The one HTTP client of outbound calls, webhooks' and CRM writers' alike: redirects are not followed (a receiver
 * that redirects has not taken the delivery), 10 s to connect; each request sets its own timeout.
 */
@Singleton
public class OutboundHttp {

    @Produces
    @Singleton
    HttpClient client() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }
}
