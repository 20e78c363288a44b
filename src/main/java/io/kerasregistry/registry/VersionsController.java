package io.kerasregistry.registry;

import io.kerasregistry.api.VersionsApi;
import io.kerasregistry.api.model.ModelVersionDto;
import io.kerasregistry.api.model.ModelVersionPageDto;
import io.kerasregistry.api.model.RegularizerKindDto;
import io.kerasregistry.keras.RegularizerKind;
import io.kerasregistry.common.Cursor;
import io.kerasregistry.common.ProblemType;
import io.kerasregistry.common.RegistryException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class VersionsController implements VersionsApi {

    private static final String LISTING = "versions";

    private final UploadService uploads;
    private final VersionService versions;
    private final ContentResponses content;
    private final UploadLimits limits;
    private final HttpServletRequest request;
    private final VersionValidationState validation;

    VersionsController(UploadService uploads, VersionService versions, ContentResponses content, UploadLimits limits,
            HttpServletRequest request, VersionValidationState validation) {
        this.validation = validation;
        this.uploads = uploads;
        this.versions = versions;
        this.content = content;
        this.limits = limits;
        this.request = request;
    }

    @Override
    public ResponseEntity<ModelVersionDto> uploadVersion(String name, @Nullable String filename, @Nullable String wait,
            @Nullable Resource body, @Nullable String contentType) {
        Duration waitFor = Waiting.parse(wait);
        long declared = request.getContentLengthLong();
        // Refuse before reading when the client says how much it will send.
        if (declared > limits.maxFileSize().toBytes() + limits.maxArchitectureSize().toBytes()) {
            throw new RegistryException(ProblemType.UPLOAD_TOO_LARGE, "upload of " + declared
                    + " bytes is larger than the limit of " + limits.maxFileSize().toBytes() + " bytes");
        }
        MediaType type = MediaType.parseMediaType(contentType == null ? "application/octet-stream" : contentType);
        ModelVersion version;
        try (InputStream in = body == null ? InputStream.nullInputStream() : body.getInputStream()) {
            if (MediaType.MULTIPART_FORM_DATA.includes(type)) {
                version = uploads.uploadMultipart(name, in, contentType);
            } else {
                version = uploads.uploadRaw(name, in, filename);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!waitFor.isZero()) {
            validation.await(version.id(), waitFor);
            version = versions.get(name, version.version());
        }
        return ResponseEntity.created(URI.create("/api/v1/models/" + name + "/versions/" + version.version()))
                .body(ApiMapper.toDto(version));
    }

    @Override
    public ResponseEntity<ModelVersionDto> putReference(String name, Integer version, Resource body) {
        ModelVersion v = versions.get(name, version);
        try (InputStream in = body.getInputStream()) {
            return ResponseEntity.ok(ApiMapper.toDto(uploads.putReference(v, in)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public ResponseEntity<ModelVersionPageDto> listVersions(String name, Integer limit, @Nullable String cursor,
            @Nullable String layerClass, @Nullable RegularizerKindDto regularizerKind) {
        Integer before = cursor == null ? null : Math.toIntExact(Cursor.decodeLong(LISTING + ":" + name, cursor));
        VersionFilter filter = new VersionFilter(layerClass,
                regularizerKind == null ? null : RegularizerKind.valueOf(regularizerKind.getValue()));
        List<ModelVersion> page = versions.list(name, filter, before, limit + 1);
        ModelVersionPageDto dto = new ModelVersionPageDto(page.stream().limit(limit).map(ApiMapper::toDto).toList());
        if (page.size() > limit) {
            dto.setNextCursor(Cursor.encode(LISTING + ":" + name, Integer.toString(page.get(limit - 1).version())));
        }
        return ResponseEntity.ok(dto);
    }

    @Override
    public ResponseEntity<ModelVersionDto> getVersion(String name, Integer version) {
        return ResponseEntity.ok(ApiMapper.toDto(versions.get(name, version)));
    }

    @Override
    public ResponseEntity<Resource> downloadVersion(String name, Integer version, @Nullable String range,
            @Nullable String ifRange, @Nullable String ifNoneMatch) {
        return content.respond(versions.get(name, version), new ContentResponses.Request(
                "HEAD".equals(request.getMethod()), range, ifNoneMatch, ifRange));
    }

}
