package io.kerasregistry.registry;

import io.kerasregistry.api.ApprovalApi;
import io.kerasregistry.api.model.ApprovalDecisionDto;
import io.kerasregistry.api.model.ApprovalRequestDto;
import io.kerasregistry.api.model.ApprovalStatusDto;
import io.kerasregistry.api.model.ArchiveVersionRequestDto;
import io.kerasregistry.api.model.ListApprovalDecisions200ResponseDto;
import io.kerasregistry.api.model.ModelVersionDto;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

@RestController
class ApprovalController implements ApprovalApi {

    static final String RESOLVED_VERSION = "Keras-Registry-Version";

    private final ApprovalService approvals;
    private final ContentResponses content;
    private final HttpServletRequest request;

    ApprovalController(ApprovalService approvals, ContentResponses content, HttpServletRequest request) {
        this.approvals = approvals;
        this.content = content;
        this.request = request;
    }

    @Override
    public ResponseEntity<ModelVersionDto> decideApproval(String name, Integer version, ApprovalRequestDto body) {
        ApprovalStatus decision = ApprovalStatus.valueOf(body.getDecision().getValue());
        return ResponseEntity.ok(ApiMapper.toDto(approvals.decide(name, version, decision, body.getComment())));
    }

    @Override
    public ResponseEntity<ListApprovalDecisions200ResponseDto> listApprovalDecisions(String name, Integer version) {
        return ResponseEntity.ok(new ListApprovalDecisions200ResponseDto(approvals.decisions(name, version).stream()
                .map(d -> new ApprovalDecisionDto(d.decision(), d.comment(), d.decidedBy(), ApiMapper.utc(d.decidedAt())))
                .toList()));
    }

    @Override
    public ResponseEntity<ModelVersionDto> archiveVersion(String name, Integer version, ArchiveVersionRequestDto body) {
        return ResponseEntity.ok(ApiMapper.toDto(approvals.archive(name, version, body.getArchived(), body.getReason())));
    }

    @Override
    public ResponseEntity<ModelVersionDto> getLatestVersion(String name, @Nullable ApprovalStatusDto approval) {
        ModelVersion latest = approvals.latest(name, approval == null ? null : ApprovalStatus.valueOf(approval.getValue()));
        return ResponseEntity.ok().header(RESOLVED_VERSION, Integer.toString(latest.version())).body(ApiMapper.toDto(latest));
    }

    @Override
    public ResponseEntity<Resource> downloadLatestVersion(String name, @Nullable ApprovalStatusDto approval,
            @Nullable String range, @Nullable String ifRange, @Nullable String ifNoneMatch) {
        ModelVersion latest = approvals.latest(name, approval == null ? null : ApprovalStatus.valueOf(approval.getValue()));
        return content.respond(latest, new ContentResponses.Request("HEAD".equals(request.getMethod()), range,
                ifNoneMatch, ifRange));
    }
}
