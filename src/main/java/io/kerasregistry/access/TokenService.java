package io.kerasregistry.access;

import io.kerasregistry.audit.AuditLog;
import io.kerasregistry.audit.CurrentActor;
import io.kerasregistry.common.ProblemType;
import io.kerasregistry.common.RegistryException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Issues and checks API tokens. A token is 32 random bytes; only its SHA-256 is stored, which is
 * enough for secrets of that entropy (a slow password hash protects guessable secrets, not these).
 */
@Service
class TokenService {

    static final String PREFIX = "kr_";

    private final TokenRepository tokens;
    private final AuditLog audit;
    private final CurrentActor actor;
    private final TransactionTemplate transaction;
    private final SecureRandom random = new SecureRandom();

    TokenService(TokenRepository tokens, AuditLog audit, CurrentActor actor, TransactionTemplate transaction) {
        this.tokens = tokens;
        this.audit = audit;
        this.actor = actor;
        this.transaction = transaction;
    }

    /** The new token with its secret, which is shown this once. */
    record Issued(ApiToken token, String secret) {
    }

    Issued create(String name, Set<Role> roles) {
        if (roles.isEmpty()) {
            throw RegistryException.invalid("a token needs at least one role");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return transaction.execute(status -> {
            long id;
            try {
                id = tokens.insert(name, hash(secret), roles, actor.name());
            } catch (DuplicateKeyException e) {
                throw new RegistryException(ProblemType.ALREADY_EXISTS, "a live token named '" + name + "' exists");
            }
            audit.record("TOKEN_CREATED", null, null, Map.of("token", name, "id", id,
                    "roles", roles.stream().map(Role::name).sorted().toList()));
            return new Issued(tokens.find(id).orElseThrow(), secret);
        });
    }

    List<ApiToken> list() {
        return tokens.list();
    }

    void revoke(long id) {
        transaction.executeWithoutResult(status -> {
            ApiToken token = tokens.find(id).orElseThrow(() -> RegistryException.notFound("no token with id " + id));
            if (!tokens.revoke(id, actor.name())) {
                throw RegistryException.conflict("token " + id + " is already revoked");
            }
            audit.record("TOKEN_REVOKED", null, null, Map.of("token", token.name(), "id", id));
        });
    }

    Optional<ApiToken> authenticate(String secret) {
        Optional<ApiToken> token = tokens.findLiveByHash(hash(secret));
        token.ifPresent(t -> tokens.touch(t.id()));
        return token;
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
