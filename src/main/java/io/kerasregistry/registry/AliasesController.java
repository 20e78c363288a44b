package io.kerasregistry.registry;

import io.kerasregistry.api.AliasesApi;
import io.kerasregistry.api.model.AliasChangeDto;
import io.kerasregistry.api.model.AliasDto;
import io.kerasregistry.api.model.AliasRequestDto;
import io.kerasregistry.api.model.GetAliasHistory200ResponseDto;
import io.kerasregistry.api.model.ListAliases200ResponseDto;
import jakarta.servlet.http.HttpServletRequest;
import java.time.OffsetDateTime;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;

@RestController
class AliasesController implements AliasesApi {

    private final AliasService aliases;
    private final ContentResponses content;
    private final HttpServletRequest request;

    AliasesController(AliasService aliases, ContentResponses content, HttpServletRequest request) {
        this.aliases = aliases;
        this.content = content;
        this.request = request;
    }

    @Override
    public ResponseEntity<AliasDto> setAlias(String name, String alias, AliasRequestDto body, @Nullable String ifMatch) {
        AliasService.Moved moved = aliases.set(name, alias, body.getVersion(), Boolean.TRUE.equals(body.getForce()),
                body.getReason(), ifMatch);
        ResponseEntity.BodyBuilder response = moved.created()
                ? ResponseEntity.created(UriComponentsBuilder.fromPath("/api/v1/models").pathSegment(name, "aliases", alias)
                        .build().toUri())
                : ResponseEntity.status(HttpStatus.OK);
        return response.eTag(moved.alias().etag()).body(toDto(moved.alias()));
    }

    @Override
    public ResponseEntity<AliasDto> getAlias(String name, String alias) {
        AliasRepository.Alias found = aliases.get(name, alias);
        return ResponseEntity.ok().eTag(found.etag()).body(toDto(found));
    }

    @Override
    public ResponseEntity<ListAliases200ResponseDto> listAliases(String name) {
        return ResponseEntity.ok(new ListAliases200ResponseDto(aliases.list(name).stream().map(AliasesController::toDto).toList()));
    }

    @Override
    public ResponseEntity<Void> deleteAlias(String name, String alias, @Nullable String ifMatch) {
        aliases.delete(name, alias, ifMatch);
        return ResponseEntity.noContent().build();
    }

    @Override
    public ResponseEntity<Resource> downloadAlias(String name, String alias, @Nullable String range,
            @Nullable String ifRange, @Nullable String ifNoneMatch) {
        ModelVersion version = aliases.versionOf(aliases.get(name, alias));
        return content.respond(version, new ContentResponses.Request("HEAD".equals(request.getMethod()), range,
                ifNoneMatch, ifRange));
    }

    @Override
    public ResponseEntity<GetAliasHistory200ResponseDto> getAliasHistory(String name, String alias,
            @Nullable OffsetDateTime at) {
        return ResponseEntity.ok(new GetAliasHistory200ResponseDto(aliases.history(name, alias,
                at == null ? null : at.toInstant()).stream().map(c -> {
                    AliasChangeDto dto = new AliasChangeDto(c.alias(), c.revision(), ApiMapper.utc(c.changedAt()), c.changedBy());
                    dto.setVersion(c.version());
                    dto.setForced(c.forced());
                    dto.setReason(c.reason());
                    return dto;
                }).toList()));
    }

    private static AliasDto toDto(AliasRepository.Alias a) {
        AliasDto dto = new AliasDto(a.model(), a.name(), a.version(), a.revision(), ApiMapper.utc(a.updatedAt()), a.updatedBy());
        dto.setForced(a.forced());
        dto.setSha256(a.sha256());
        return dto;
    }
}
