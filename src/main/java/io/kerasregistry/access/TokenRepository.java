package io.kerasregistry.access;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class TokenRepository {

    private static final String SELECT = "SELECT id, name, roles, created_at, created_by, last_used_at, revoked_at FROM api_token";

    private final JdbcClient jdbc;

    TokenRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** @throws DuplicateKeyException when a live token has that name */
    long insert(String name, String hash, Set<Role> roles, String createdBy) {
        return jdbc.sql("INSERT INTO api_token (name, token_hash, roles, created_by) "
                        + "VALUES (:name, :hash, CAST(:roles AS text[]), :by) RETURNING id")
                .param("name", name).param("hash", hash)
                .param("roles", "{" + roles.stream().map(Role::name).sorted().collect(Collectors.joining(",")) + "}")
                .param("by", createdBy)
                .query(Long.class).single();
    }

    Optional<ApiToken> findLiveByHash(String hash) {
        return jdbc.sql(SELECT + " WHERE token_hash = :hash AND revoked_at IS NULL").param("hash", hash)
                .query(TokenRepository::map).optional();
    }

    Optional<ApiToken> find(long id) {
        return jdbc.sql(SELECT + " WHERE id = :id").param("id", id).query(TokenRepository::map).optional();
    }

    List<ApiToken> list() {
        return jdbc.sql(SELECT + " ORDER BY id").query(TokenRepository::map).list();
    }

    boolean revoke(long id, String by) {
        return jdbc.sql("UPDATE api_token SET revoked_at = now(), revoked_by = :by WHERE id = :id AND revoked_at IS NULL")
                .param("id", id).param("by", by).update() == 1;
    }

    /** Recorded at most once a minute per token, so authenticating is not a write per request. */
    void touch(long id) {
        jdbc.sql("UPDATE api_token SET last_used_at = now() WHERE id = :id "
                        + "AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')")
                .param("id", id).update();
    }

    private static ApiToken map(ResultSet rs, int row) throws SQLException {
        String[] roles = (String[]) rs.getArray("roles").getArray();
        Set<Role> set = EnumSet.noneOf(Role.class);
        Arrays.stream(roles).map(Role::valueOf).forEach(set::add);
        return new ApiToken(rs.getLong("id"), rs.getString("name"), set, instant(rs, "created_at"),
                rs.getString("created_by"), instant(rs, "last_used_at"), instant(rs, "revoked_at"));
    }

    private static @Nullable Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }
}
