package io.kerasregistry.audit;

import io.kerasregistry.api.EventsApi;
import io.kerasregistry.api.model.AuditEventDto;
import io.kerasregistry.api.model.ListEvents200ResponseDto;
import io.kerasregistry.api.model.VerifyEvents200ResponseDto;
import io.kerasregistry.common.Cursor;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class EventsController implements EventsApi {

    private static final String LISTING = "events";

    private final AuditLog audit;

    EventsController(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public ResponseEntity<ListEvents200ResponseDto> listEvents(@Nullable String model, @Nullable String type,
            @Nullable String actor, @Nullable OffsetDateTime from, @Nullable OffsetDateTime to, Integer limit,
            @Nullable String cursor) {
        Long after = cursor == null ? null : Cursor.decodeLong(LISTING, cursor);
        List<AuditEvent> page = audit.find(new AuditQuery(model, type, actor, from == null ? null : from.toInstant(),
                to == null ? null : to.toInstant(), after, limit + 1));
        ListEvents200ResponseDto dto = new ListEvents200ResponseDto(page.stream().limit(limit).map(e -> {
            AuditEventDto event = new AuditEventDto(e.id(), OffsetDateTime.ofInstant(e.occurredAt(), ZoneOffset.UTC),
                    e.actor(), e.type(), e.details(), e.hash(), e.prevHash());
            event.setModel(e.modelName());
            event.setVersion(e.version());
            return event;
        }).toList());
        if (page.size() > limit) {
            dto.setNextCursor(Cursor.encode(LISTING, Long.toString(page.get(limit - 1).id())));
        }
        return ResponseEntity.ok(dto);
    }

    @Override
    public ResponseEntity<VerifyEvents200ResponseDto> verifyEvents() {
        ChainVerification result = audit.verify();
        VerifyEvents200ResponseDto dto = new VerifyEvents200ResponseDto(result.intact(), result.eventsChecked());
        dto.setFirstBrokenId(result.firstBrokenId());
        dto.setProblem(result.problem());
        return ResponseEntity.ok(dto);
    }
}
