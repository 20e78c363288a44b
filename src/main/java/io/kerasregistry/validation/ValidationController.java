package io.kerasregistry.validation;

import io.kerasregistry.api.ValidationApi;
import io.kerasregistry.api.model.GetCapabilities200ResponseDto;
import io.kerasregistry.api.model.ImplementationDto;
import io.kerasregistry.api.model.ModelFormatDto;
import io.kerasregistry.inference.Capabilities;
import java.util.ArrayList;
import java.util.Arrays;
import io.kerasregistry.api.model.ListValidationWorkers200ResponseDto;
import io.kerasregistry.api.model.ListValidations200ResponseDto;
import io.kerasregistry.api.model.ValidationReportDto;
import io.kerasregistry.api.model.ValidationRequestDto;
import io.kerasregistry.api.model.ValidationStateDto;
import io.kerasregistry.api.model.ValidationStatusDto;
import io.kerasregistry.api.model.ValidationWorkerDto;
import io.kerasregistry.api.model.ValidationWorkerRunningInnerDto;
import io.kerasregistry.common.RegistryException;
import io.kerasregistry.registry.ModelVersion;
import io.kerasregistry.registry.VersionService;
import io.kerasregistry.registry.VersionValidationState;
import io.kerasregistry.registry.Waiting;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.json.JsonMapper;

@RestController
class ValidationController implements ValidationApi {

    private final ValidationJobs jobs;
    private final ReportRepository reports;
    private final VersionService versions;
    private final VersionValidationState state;
    private final WorkerRegistry workers;
    private final ValidationProperties properties;
    private final JsonMapper json;

    ValidationController(ValidationJobs jobs, ReportRepository reports, VersionService versions,
            VersionValidationState state, WorkerRegistry workers, ValidationProperties properties, JsonMapper json) {
        this.jobs = jobs;
        this.reports = reports;
        this.versions = versions;
        this.state = state;
        this.workers = workers;
        this.properties = properties;
        this.json = json;
    }

    @Override
    public ResponseEntity<ValidationRequestDto> validateVersion(String name, Integer version, @Nullable String wait) {
        Duration waitFor = Waiting.parse(wait);
        ModelVersion v = versions.get(name, version);
        long before = reports.latest(v.id()).map(StoredReport::id).orElse(0L);
        jobs.validate(name, version);
        StoredReport fresh = null;
        if (!waitFor.isZero() && state.await(v.id(), waitFor).isFinal()) {
            fresh = reports.latest(v.id()).filter(r -> r.id() > before).orElse(null);
        }
        ModelVersion now = versions.get(name, version);
        ValidationStateDto current = new ValidationStateDto(ValidationStatusDto.fromValue(now.validation().status().name()),
                utc(now.validation().updatedAt()));
        current.setSummary(now.validation().summary());
        ValidationRequestDto body = new ValidationRequestDto(current);
        if (fresh != null) {
            body.setReport(toDto(fresh));
            return ResponseEntity.ok(body);
        }
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(body);
    }

    @Override
    public ResponseEntity<ListValidations200ResponseDto> listValidations(String name, Integer version) {
        ModelVersion v = versions.get(name, version);
        return ResponseEntity.ok(new ListValidations200ResponseDto(reports.list(v.id()).stream().map(this::toDto).toList()));
    }

    @Override
    public ResponseEntity<ValidationReportDto> getLatestValidation(String name, Integer version) {
        ModelVersion v = versions.get(name, version);
        return ResponseEntity.ok(toDto(reports.latest(v.id()).orElseThrow(() -> RegistryException.notFound(
                "version " + version + " of '" + name + "' has not been validated yet (status "
                        + v.validation().status() + ")"))));
    }

    /** {@link Capabilities} imports nothing from ND4J: answering loads no native code into this process. */
    @Override
    public ResponseEntity<GetCapabilities200ResponseDto> getCapabilities() {
        return ResponseEntity.ok(new GetCapabilities200ResponseDto(new ArrayList<>(Capabilities.layerClasses()),
                new ArrayList<>(Capabilities.activations()), new ArrayList<>(Capabilities.regularizers()),
                Arrays.asList(ModelFormatDto.values()), Arrays.asList(ImplementationDto.values())));
    }

    @Override
    public ResponseEntity<ListValidationWorkers200ResponseDto> listValidationWorkers() {
        Duration alive = properties.lease().multipliedBy(3);
        List<WorkerRegistry.RunningJob> running = workers.running();
        Instant now = Instant.now();
        return ResponseEntity.ok(new ListValidationWorkers200ResponseDto(workers.recent(Duration.ofHours(1)).stream()
                .map(w -> {
                    ValidationWorkerDto dto = new ValidationWorkerDto(w.id(), w.host(), w.pid(), w.role(), w.slots(),
                            utc(w.startedAt()), utc(w.heartbeatAt()),
                            w.stoppedAt() == null && w.heartbeatAt().isAfter(now.minus(alive)), w.jobsDone(), w.crashes(),
                            w.timeouts(), running.stream().filter(j -> j.slot() != null && j.slot().startsWith(w.id() + "/"))
                            .map(j -> {
                                ValidationWorkerRunningInnerDto r = new ValidationWorkerRunningInnerDto(j.jobId(),
                                        j.modelName(), j.version(), j.attempt());
                                r.setChildPid(j.childPid());
                                r.setStartedAt(j.startedAt() == null ? null : utc(j.startedAt()));
                                return r;
                            }).toList());
                    return dto;
                }).toList()));
    }

    private ValidationReportDto toDto(StoredReport report) {
        ObjectNode body = ((ObjectNode) report.report()).deepCopy();
        body.put("id", report.id());
        body.put("attempt", report.attempt());
        body.put("worker", report.worker());
        body.put("startedAt", utc(report.startedAt()).toString());
        body.put("finishedAt", utc(report.finishedAt()).toString());
        body.put("status", report.status());
        body.put("summary", report.summary());
        return json.treeToValue(body, ValidationReportDto.class);
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
