package io.kerasregistry.registry;

import io.kerasregistry.api.ArchitectureApi;
import io.kerasregistry.api.model.CustomObjectKindDto;
import io.kerasregistry.api.model.CustomObjectReferenceDto;
import io.kerasregistry.api.model.FindingDto;
import io.kerasregistry.api.model.LayerDto;
import io.kerasregistry.api.model.ListFindings200ResponseDto;
import io.kerasregistry.api.model.ListLayers200ResponseDto;
import io.kerasregistry.api.model.ListRegularizers200ResponseDto;
import io.kerasregistry.api.model.ListVersionCustomObjects200ResponseDto;
import io.kerasregistry.api.model.RegularizerDto;
import io.kerasregistry.api.model.RegularizerKindDto;
import io.kerasregistry.common.RegistryException;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** What the Keras reader found in a version. */
@RestController
class ArchitectureController implements ArchitectureApi {

    private final VersionService versions;
    private final DescriptionRepository descriptions;
    private final JsonMapper json;

    ArchitectureController(VersionService versions, DescriptionRepository descriptions, JsonMapper json) {
        this.versions = versions;
        this.descriptions = descriptions;
        this.json = json;
    }

    @Override
    public ResponseEntity<Map<String, Object>> getArchitecture(String name, Integer version) {
        ModelVersion v = versions.get(name, version);
        var config = descriptions.architecture(v.id())
                .orElseThrow(() -> RegistryException.notFound("version " + version + " of '" + name + "' has no architecture"));
        @SuppressWarnings("unchecked")
        Map<String, Object> body = json.treeToValue(config, Map.class);
        return ResponseEntity.ok(body);
    }

    @Override
    public ResponseEntity<ListLayers200ResponseDto> listLayers(String name, Integer version) {
        ModelVersion v = versions.get(name, version);
        return ResponseEntity.ok(new ListLayers200ResponseDto(descriptions.layers(v.id()).stream().map(l -> {
            LayerDto dto = new LayerDto(l.path(), l.name(), l.className(), l.trainable(), l.paramCount());
            dto.setOutputShape(l.outputShape());
            return dto;
        }).toList()));
    }

    @Override
    public ResponseEntity<ListRegularizers200ResponseDto> listRegularizers(String name, Integer version) {
        ModelVersion v = versions.get(name, version);
        return ResponseEntity.ok(new ListRegularizers200ResponseDto(descriptions.regularizers(v.id()).stream().map(r -> {
            RegularizerDto dto = new RegularizerDto(r.layerPath(), r.attribute(), RegularizerKindDto.fromValue(r.kind().name()),
                    r.name(), json.treeToValue(r.config(), Object.class));
            if (!r.originalAttribute().equals(r.attribute())) {
                dto.setOriginalAttribute(r.originalAttribute());
            }
            dto.setL1(r.l1());
            dto.setL2(r.l2());
            dto.setFactor(r.factor());
            dto.setMode(r.mode());
            return dto;
        }).toList()));
    }

    @Override
    public ResponseEntity<ListVersionCustomObjects200ResponseDto> listVersionCustomObjects(String name, Integer version) {
        ModelVersion v = versions.get(name, version);
        return ResponseEntity.ok(new ListVersionCustomObjects200ResponseDto(descriptions.customObjects(v.id()).stream()
                .map(c -> {
                    CustomObjectReferenceDto dto = new CustomObjectReferenceDto(
                            CustomObjectKindDto.fromValue(c.kind().slug()), c.name(), c.className());
                    dto.setLayer(c.layerPath());
                    dto.setAttribute(c.attribute());
                    dto.setModule(c.module());
                    return dto;
                }).toList()));
    }

    @Override
    public ResponseEntity<ListFindings200ResponseDto> listFindings(String name, Integer version) {
        ModelVersion v = versions.get(name, version);
        return ResponseEntity.ok(new ListFindings200ResponseDto(descriptions.findings(v.id()).stream().map(f -> {
            FindingDto dto = new FindingDto(f.code(), FindingDto.SeverityEnum.fromValue(f.severity().name()), f.message());
            dto.setLayer(f.layerPath());
            return dto;
        }).toList()));
    }

    @Override
    public ResponseEntity<String> getSummary(String name, Integer version) {
        ModelVersion v = versions.get(name, version);
        return ResponseEntity.ok().contentType(new MediaType(MediaType.TEXT_PLAIN, java.nio.charset.StandardCharsets.UTF_8))
                .body(SummaryText.render(v, descriptions.layers(v.id()), descriptions.regularizers(v.id())));
    }
}
