package io.kerasregistry.access;

import io.kerasregistry.common.ProblemType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads {@code Authorization: Bearer <token>}. A request without the header goes on anonymously
 * (the rules then decide); a header with a wrong, unknown or revoked token is answered 401 at once,
 * rather than being treated as anonymous, so a typo never silently downgrades a pipeline.
 */
final class TokenAuthenticationFilter extends OncePerRequestFilter {

    static final String BOOTSTRAP_ADMIN = "admin";

    private final TokenService tokens;
    private final SecurityProperties properties;
    private final ProblemResponses problems;

    TokenAuthenticationFilter(TokenService tokens, SecurityProperties properties, ProblemResponses problems) {
        this.tokens = tokens;
        this.properties = properties;
        this.problems = problems;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null) {
            chain.doFilter(request, response);
            return;
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            problems.write(request, response, ProblemType.UNAUTHORIZED, "the Authorization header must be 'Bearer <token>'");
            return;
        }
        String secret = header.substring(7).trim();
        Optional<Principal> principal = resolve(secret);
        if (principal.isEmpty()) {
            problems.write(request, response, ProblemType.UNAUTHORIZED, "the token is unknown or revoked");
            return;
        }
        List<SimpleGrantedAuthority> authorities = principal.get().roles().stream()
                .map(role -> new SimpleGrantedAuthority(role.authority())).toList();
        var authentication = UsernamePasswordAuthenticationToken.authenticated(principal.get().name(), null, authorities);
        SecurityContextHolder.getContext().setAuthentication(authentication);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    private record Principal(String name, Set<Role> roles) {
    }

    private Optional<Principal> resolve(String secret) {
        String admin = properties.adminToken();
        if (admin != null && !admin.isBlank() && MessageDigest.isEqual(
                admin.getBytes(StandardCharsets.UTF_8), secret.getBytes(StandardCharsets.UTF_8))) {
            return Optional.of(new Principal(BOOTSTRAP_ADMIN, EnumSet.of(Role.ADMIN)));
        }
        if (!secret.startsWith(TokenService.PREFIX)) {
            return Optional.empty();
        }
        return tokens.authenticate(secret).map(t -> new Principal(t.name(), t.roles()));
    }
}
