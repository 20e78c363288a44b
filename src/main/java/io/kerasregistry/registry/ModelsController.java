package io.kerasregistry.registry;

import io.kerasregistry.api.ModelsApi;
import io.kerasregistry.api.model.CreateModelRequestDto;
import io.kerasregistry.api.model.RegisteredModelDto;
import io.kerasregistry.api.model.RegisteredModelPageDto;
import io.kerasregistry.api.model.UpdateModelRequestDto;
import io.kerasregistry.common.Cursor;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class ModelsController implements ModelsApi {

    private static final String LISTING = "models";

    private final ModelService models;

    ModelsController(ModelService models) {
        this.models = models;
    }

    @Override
    public ResponseEntity<RegisteredModelDto> createModel(CreateModelRequestDto request) {
        List<String> tags = request.getTags() == null ? List.of() : new ArrayList<>(request.getTags());
        RegisteredModel model = models.create(request.getName(), request.getDescription(), tags);
        return ResponseEntity.created(URI.create("/api/v1/models/" + model.name())).body(ApiMapper.toDto(model));
    }

    @Override
    public ResponseEntity<RegisteredModelPageDto> listModels(Integer limit, @Nullable String cursor,
            @Nullable String prefix, @Nullable String tag) {
        String after = cursor == null ? null : Cursor.decode(LISTING, cursor, 1).get(0);
        List<RegisteredModel> page = models.list(prefix, tag, after, limit + 1);
        RegisteredModelPageDto dto = new RegisteredModelPageDto(
                page.stream().limit(limit).map(ApiMapper::toDto).toList());
        if (page.size() > limit) {
            dto.setNextCursor(Cursor.encode(LISTING, page.get(limit - 1).name()));
        }
        return ResponseEntity.ok(dto);
    }

    @Override
    public ResponseEntity<RegisteredModelDto> getModel(String name) {
        return ResponseEntity.ok(ApiMapper.toDto(models.get(name)));
    }

    @Override
    public ResponseEntity<RegisteredModelDto> updateModel(String name, UpdateModelRequestDto request) {
        List<String> tags = request.getTags() == null ? null : new ArrayList<>(request.getTags());
        return ResponseEntity.ok(ApiMapper.toDto(models.update(name, request.getDescription(), tags)));
    }

    @Override
    public ResponseEntity<Void> deleteModel(String name) {
        models.delete(name);
        return ResponseEntity.noContent().build();
    }
}
