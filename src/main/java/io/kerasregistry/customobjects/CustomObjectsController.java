package io.kerasregistry.customobjects;

import io.kerasregistry.api.CustomObjectsApi;
import io.kerasregistry.api.model.CatalogueKindDto;
import io.kerasregistry.api.model.CustomObjectDto;
import io.kerasregistry.api.model.CustomObjectRequestDto;
import io.kerasregistry.api.model.ImplementationDto;
import io.kerasregistry.api.model.ListCustomObjects200ResponseDto;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@RestController
class CustomObjectsController implements CustomObjectsApi {

    private final CustomObjectCatalogue catalogue;
    private final JsonMapper json;

    CustomObjectsController(CustomObjectCatalogue catalogue, JsonMapper json) {
        this.catalogue = catalogue;
        this.json = json;
    }

    @Override
    public ResponseEntity<ListCustomObjects200ResponseDto> listCustomObjects(@Nullable CatalogueKindDto kind) {
        return ResponseEntity.ok(new ListCustomObjects200ResponseDto(
                catalogue.list(kind == null ? null : CatalogueKind.ofSlug(kind.getValue())).stream().map(this::toDto).toList()));
    }

    @Override
    public ResponseEntity<CustomObjectDto> registerCustomObject(CatalogueKindDto kind, String objectName,
            CustomObjectRequestDto request, @Nullable String ifMatch, @Nullable String ifNoneMatch) {
        JsonNode alias = request.getAlias() == null ? null : json.valueToTree(request.getAlias());
        CustomObjectCatalogue.Result result = catalogue.register(CatalogueKind.ofSlug(kind.getValue()), objectName,
                new CustomObjectCatalogue.Registration(Implementation.valueOf(request.getImplementation().getValue()),
                        alias, request.getExpression(), request.getClassName(), request.getDescription()),
                ifMatch, ifNoneMatch);
        ResponseEntity.BodyBuilder response = result.created()
                ? ResponseEntity.created(UriComponentsBuilder.fromPath("/api/v1/custom-objects")
                        .pathSegment(kind.getValue(), objectName).encode().build().toUri())
                : ResponseEntity.status(HttpStatus.OK);
        return response.eTag(result.definition().etag()).body(toDto(result.definition()));
    }

    @Override
    public ResponseEntity<CustomObjectDto> getCustomObject(CatalogueKindDto kind, String objectName) {
        CustomObjectDefinition definition = catalogue.get(CatalogueKind.ofSlug(kind.getValue()), objectName);
        return ResponseEntity.ok().eTag(definition.etag()).body(toDto(definition));
    }

    @Override
    public ResponseEntity<Void> deleteCustomObject(CatalogueKindDto kind, String objectName, @Nullable String ifMatch) {
        catalogue.delete(CatalogueKind.ofSlug(kind.getValue()), objectName, ifMatch);
        return ResponseEntity.noContent().build();
    }

    private CustomObjectDto toDto(CustomObjectDefinition d) {
        CustomObjectDto dto = new CustomObjectDto(CatalogueKindDto.fromValue(d.kind().slug()), d.name(), d.revision(),
                ImplementationDto.fromValue(d.implementation().name()),
                OffsetDateTime.ofInstant(d.updatedAt(), ZoneOffset.UTC), d.updatedBy());
        dto.setAlias(d.alias() == null ? null : json.treeToValue(d.alias(), Object.class));
        dto.setExpression(d.expression());
        dto.setClassName(d.className());
        dto.setDescription(d.description());
        return dto;
    }
}
