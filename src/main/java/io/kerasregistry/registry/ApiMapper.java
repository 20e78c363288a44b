package io.kerasregistry.registry;

import io.kerasregistry.api.model.ApprovalStateDto;
import io.kerasregistry.api.model.ApprovalStatusDto;
import io.kerasregistry.api.model.ModelFormatDto;
import io.kerasregistry.api.model.ModelVersionDto;
import io.kerasregistry.api.model.RegisteredModelDto;
import io.kerasregistry.api.model.TensorSpecDto;
import io.kerasregistry.api.model.ValidationStateDto;
import io.kerasregistry.api.model.ValidationStatusDto;
import io.kerasregistry.keras.TensorSpec;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Domain values to the contract's DTOs. */
final class ApiMapper {

    private ApiMapper() {
    }

    static RegisteredModelDto toDto(RegisteredModel model) {
        RegisteredModelDto dto = new RegisteredModelDto(model.name(), model.tags(), utc(model.createdAt()),
                utc(model.updatedAt()), model.versionCount());
        dto.setDescription(model.description());
        if (model.lastVersion() > 0) {
            dto.setLatestVersion(model.lastVersion());
        }
        return dto;
    }

    static ModelVersionDto toDto(ModelVersion version) {
        ValidationStateDto validation = new ValidationStateDto(
                ValidationStatusDto.fromValue(version.validation().status().name()), utc(version.validation().updatedAt()));
        validation.setSummary(version.validation().summary());
        ApprovalStateDto approval = new ApprovalStateDto(ApprovalStatusDto.fromValue(version.approval().status().name()));
        if (version.approval().updatedAt() != null) {
            approval.setUpdatedAt(utc(version.approval().updatedAt()));
        }
        approval.setBy(version.approval().by());
        approval.setComment(version.approval().comment());
        ModelVersionDto dto = new ModelVersionDto(version.modelName(), version.version(), version.blobSha256(),
                version.sizeBytes(), ModelFormatDto.fromValue(version.format().name()), utc(version.createdAt()), validation,
                approval, version.archived());
        if (version.archivedAt() != null) {
            dto.setArchivedAt(utc(version.archivedAt()));
        }
        dto.setFileName(version.fileName());
        dto.setCreatedBy(version.createdBy());
        ModelVersion.Description d = version.description();
        dto.setKerasVersion(d.kerasVersion());
        dto.setBackend(d.backend());
        dto.setModelClass(d.modelClass());
        dto.setSubclassed(d.subclassed());
        dto.setParamCount(d.paramCount());
        dto.setTrainableParamCount(d.trainableParamCount());
        dto.setInputs(d.inputs().stream().map(ApiMapper::toDto).toList());
        dto.setOutputs(d.outputs().stream().map(ApiMapper::toDto).toList());
        dto.setHasReference(version.referenceSha256() != null);
        return dto;
    }

    static TensorSpecDto toDto(TensorSpec tensor) {
        TensorSpecDto dto = new TensorSpecDto(tensor.name(), new java.util.ArrayList<>(tensor.shape()));
        dto.setDtype(tensor.dtype());
        return dto;
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
