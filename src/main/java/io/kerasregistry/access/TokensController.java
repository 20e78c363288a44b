package io.kerasregistry.access;

import io.kerasregistry.api.TokensApi;
import io.kerasregistry.api.model.CreateTokenRequestDto;
import io.kerasregistry.api.model.CreatedTokenDto;
import io.kerasregistry.api.model.ListTokens200ResponseDto;
import io.kerasregistry.api.model.RoleDto;
import io.kerasregistry.api.model.TokenDto;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class TokensController implements TokensApi {

    private final TokenService tokens;

    TokensController(TokenService tokens) {
        this.tokens = tokens;
    }

    @Override
    public ResponseEntity<CreatedTokenDto> createToken(CreateTokenRequestDto request) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        request.getRoles().forEach(r -> roles.add(Role.valueOf(r.getValue())));
        TokenService.Issued issued = tokens.create(request.getName(), roles);
        ApiToken t = issued.token();
        CreatedTokenDto dto = new CreatedTokenDto(t.id(), t.name(), roles(t), utc(t.createdAt()), t.createdBy(),
                issued.secret());
        return ResponseEntity.created(URI.create("/api/v1/tokens/" + t.id())).body(dto);
    }

    @Override
    public ResponseEntity<ListTokens200ResponseDto> listTokens() {
        return ResponseEntity.ok(new ListTokens200ResponseDto(tokens.list().stream().map(t -> {
            TokenDto dto = new TokenDto(t.id(), t.name(), roles(t), utc(t.createdAt()), t.createdBy());
            dto.setLastUsedAt(utc(t.lastUsedAt()));
            dto.setRevokedAt(utc(t.revokedAt()));
            return dto;
        }).toList()));
    }

    @Override
    public ResponseEntity<Void> revokeToken(Long id) {
        tokens.revoke(id);
        return ResponseEntity.noContent().build();
    }

    private static List<RoleDto> roles(ApiToken t) {
        return t.roles().stream().map(r -> RoleDto.fromValue(r.name())).toList();
    }

    private static @Nullable OffsetDateTime utc(@Nullable Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
