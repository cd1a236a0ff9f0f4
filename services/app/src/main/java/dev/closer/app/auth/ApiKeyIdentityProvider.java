package dev.closer.app.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Turns an API key into an identity with the user's role; an unknown or revoked key fails authentication. */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    @Inject
    ApiKeyService keys;

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String key = request.getToken().getToken();
        return context.runBlocking(() -> keys.identify(ApiKeyService.hash(key))
                .map(caller -> (SecurityIdentity) QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal(caller.userId()))
                        .addRole(caller.role())
                        .addAttribute(Caller.ROLE, caller.role())
                        .addAttribute(Caller.TEAM, caller.team() == null ? "" : caller.team())
                        .build())
                .orElseThrow(() -> new AuthenticationFailedException("unknown or revoked API key")));
    }
}
