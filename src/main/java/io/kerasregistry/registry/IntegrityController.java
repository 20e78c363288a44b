package io.kerasregistry.registry;

import io.kerasregistry.api.AdminApi;
import io.kerasregistry.api.model.IntegrityProblemDto;
import io.kerasregistry.api.model.IntegrityProblemVersionsInnerDto;
import io.kerasregistry.api.model.IntegrityReportDto;
import io.kerasregistry.storage.BlobScrub;
import io.kerasregistry.storage.StorageProperties;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RestController;

/**
 * The integrity scrub: the store's own check of rows against files, plus what only the registry
 * knows, blob rows no version refers to and which versions each damaged blob belongs to.
 */
@RestController
class IntegrityController implements AdminApi {

    private final BlobScrub scrub;
    private final VersionRepository versions;
    private final StorageProperties storage;
    private final Clock clock = Clock.systemUTC();

    IntegrityController(BlobScrub scrub, VersionRepository versions, StorageProperties storage) {
        this.scrub = scrub;
        this.versions = versions;
        this.storage = storage;
    }

    @Override
    public ResponseEntity<IntegrityReportDto> checkIntegrity(Boolean verify) {
        long started = System.nanoTime();
        boolean rehash = verify == null || verify;
        long versionCount = versions.count();
        BlobScrub.Result result = scrub.run(rehash);
        List<IntegrityProblemDto> problems = new ArrayList<>();
        for (BlobScrub.Finding finding : result.findings()) {
            IntegrityProblemDto dto = new IntegrityProblemDto(IntegrityProblemDto.KindEnum.valueOf(finding.kind().name()),
                    finding.detail(), new ArrayList<>());
            dto.setSha256(finding.sha256());
            dto.setPath(finding.path());
            problems.add(dto);
        }
        for (String sha256 : versions.unreferencedBlobs(clock.instant().minus(storage.orphanGracePeriod()))) {
            IntegrityProblemDto dto = new IntegrityProblemDto(IntegrityProblemDto.KindEnum.UNREFERENCED_BLOB,
                    "a blob row no version refers to", new ArrayList<>());
            dto.setSha256(sha256);
            problems.add(dto);
        }
        Map<String, List<IntegrityProblemVersionsInnerDto>> uses = new LinkedHashMap<>();
        for (VersionRepository.BlobUse use : versions.using(problems.stream().map(IntegrityProblemDto::getSha256)
                .filter(Objects::nonNull).distinct().toList())) {
            uses.computeIfAbsent(use.sha256(), k -> new ArrayList<>())
                    .add(new IntegrityProblemVersionsInnerDto(use.modelName(), use.version()));
        }
        for (IntegrityProblemDto problem : problems) {
            if (problem.getSha256() != null) {
                problem.setVersions(uses.getOrDefault(problem.getSha256(), new ArrayList<>()));
            }
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        return ResponseEntity.ok(new IntegrityReportDto(problems.isEmpty(), rehash, result.blobsChecked(),
                result.bytesChecked(), result.filesChecked(), versionCount, millis, problems));
    }
}
