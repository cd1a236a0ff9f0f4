package dev.closer.app.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpMethod;
import org.junit.jupiter.api.Test;

class SpaRoutesTest {

    private static final String BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    @Test
    void shouldSendABrowserDeepLinkToTheUi() {
        assertTrue(SpaRoutes.isUiNavigation(HttpMethod.GET, "/leads/lead-42", BROWSER));
        assertTrue(SpaRoutes.isUiNavigation(HttpMethod.GET, "/models", BROWSER));
    }

    @Test
    void shouldLeaveTheApiManagementEndpointsAndBuiltFilesAlone() {
        assertFalse(SpaRoutes.isUiNavigation(HttpMethod.GET, "/api/v1/leads", BROWSER));
        assertFalse(SpaRoutes.isUiNavigation(HttpMethod.GET, "/q/health", BROWSER));
        assertFalse(SpaRoutes.isUiNavigation(HttpMethod.GET, "/assets/index.js", BROWSER));
        assertFalse(SpaRoutes.isUiNavigation(HttpMethod.GET, "/", BROWSER));
    }

    @Test
    void shouldLeaveApiClientsAndOtherMethodsAlone() {
        assertFalse(SpaRoutes.isUiNavigation(HttpMethod.GET, "/leads/lead-42", "application/json"));
        assertFalse(SpaRoutes.isUiNavigation(HttpMethod.GET, "/leads/lead-42", null));
        assertFalse(SpaRoutes.isUiNavigation(HttpMethod.POST, "/leads/lead-42", BROWSER));
    }
}
