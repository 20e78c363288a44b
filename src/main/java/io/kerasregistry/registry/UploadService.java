package io.kerasregistry.registry;

import io.kerasregistry.audit.AuditLog;
import io.kerasregistry.audit.CurrentActor;
import io.kerasregistry.common.ProblemType;
import io.kerasregistry.common.RegistryException;
import io.kerasregistry.keras.KerasModel;
import io.kerasregistry.keras.ModelFormat;
import io.kerasregistry.storage.BlobStore;
import io.kerasregistry.storage.StagedBlob;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The upload path: stream every part to the blob store's temporary area while hashing, look at what
 * arrived, then record blob rows, version and audit event in one transaction. Whatever fails, the
 * temporary files are removed and nothing is in the database.
 */
@Service
class UploadService {

    static final String FILE_PART = "file";
    static final String ARCHITECTURE_PART = "architecture";
    static final String REFERENCE_PART = "reference";

    private final BlobStore blobs;
    private final ModelRepository models;
    private final VersionRepository versions;
    private final AuditLog audit;
    private final CurrentActor actor;
    private final TransactionTemplate transaction;
    private final ApplicationEventPublisher events;
    private final UploadLimits limits;
    private final ModelReader reader;
    private final DescriptionRepository descriptions;
    private final JsonMapper json;

    UploadService(BlobStore blobs, ModelRepository models, VersionRepository versions, AuditLog audit,
            CurrentActor actor, TransactionTemplate transaction, ApplicationEventPublisher events, UploadLimits limits,
            ModelReader reader, DescriptionRepository descriptions, JsonMapper json) {
        this.blobs = blobs;
        this.models = models;
        this.versions = versions;
        this.audit = audit;
        this.actor = actor;
        this.transaction = transaction;
        this.events = events;
        this.limits = limits;
        this.reader = reader;
        this.descriptions = descriptions;
        this.json = json;
    }

    /** Sets or replaces a version's reference vectors; its validation runs again. */
    ModelVersion putReference(ModelVersion version, InputStream body) {
        try (Staged staged = new Staged()) {
            staged.reference = stage(body, limits.maxReferenceSize().toBytes());
            ReferenceCheck.check(staged.reference.file(), json);
            StagedBlob reference = staged.reference;
            return transaction.execute(status -> {
                blobs.commit(reference);
                versions.setReference(version.id(), reference.sha256());
                audit.record("REFERENCE_SET", version.modelName(), version.version(),
                        Map.of("sha256", reference.sha256(), "sizeBytes", reference.size()));
                events.publishEvent(new ReferenceUpdated(version.id(), version.modelName(), version.version()));
                return versions.findById(version.id()).orElseThrow();
            });
        }
    }

    /** A raw upload: the request body is the model file. */
    ModelVersion uploadRaw(String modelName, InputStream body, @Nullable String fileName) {
        try (Staged staged = new Staged()) {
            staged.file = stage(body, limits.maxFileSize().toBytes());
            staged.fileName = fileName;
            return store(modelName, staged);
        }
    }

    /** A {@code multipart/form-data} upload with a part {@code file} and optionally {@code architecture}. */
    ModelVersion uploadMultipart(String modelName, InputStream body, String contentType) {
        try (Staged staged = new Staged()) {
            MultipartStream multipart = new MultipartStream(body, MultipartStream.boundaryOf(contentType));
            MultipartStream.Part part;
            while ((part = next(multipart)) != null) {
                switch (part.name()) {
                    case FILE_PART -> {
                        rejectRepeated(staged.file, FILE_PART);
                        staged.file = stage(part.body(), limits.maxFileSize().toBytes());
                        staged.fileName = part.fileName();
                    }
                    case ARCHITECTURE_PART -> {
                        rejectRepeated(staged.architecture, ARCHITECTURE_PART);
                        staged.architecture = stage(part.body(), limits.maxArchitectureSize().toBytes());
                    }
                    case REFERENCE_PART -> {
                        rejectRepeated(staged.reference, REFERENCE_PART);
                        staged.reference = stage(part.body(), limits.maxReferenceSize().toBytes());
                    }
                    default -> throw RegistryException.invalid("unknown multipart part '" + part.name()
                            + "': expected '" + FILE_PART + "' and optionally '" + ARCHITECTURE_PART + "' and '"
                            + REFERENCE_PART + "'");
                }
            }
            if (staged.file == null) {
                throw RegistryException.invalid("multipart upload has no part named '" + FILE_PART + "'");
            }
            return store(modelName, staged);
        }
    }

    private ModelVersion store(String modelName, Staged staged) {
        StagedBlob file = staged.file;
        ModelFormat format = formatOf(file, staged.architecture);
        String fileName = sanitizeFileName(staged.fileName);
        // Read before the transaction: a bad file is refused with nothing written.
        KerasModel description = reader.read(file.file(), staged.architecture == null ? null : staged.architecture.file());
        if (staged.reference != null) {
            ReferenceCheck.check(staged.reference.file(), json);
        }
        ModelVersion stored = transaction.execute(status -> {
            String who = actor.name();
            if (models.insertIfAbsent(modelName, null, who)) {
                audit.record("MODEL_CREATED", modelName, null, Map.of("cause", "first upload"));
            }
            RegisteredModel model = models.findByName(modelName).orElseThrow();
            int version = models.allocateVersion(model.id());
            blobs.commit(file);
            String architectureSha = null;
            if (staged.architecture != null) {
                architectureSha = blobs.commit(staged.architecture).sha256();
            }
            String referenceSha = staged.reference == null ? null : blobs.commit(staged.reference).sha256();
            long id = versions.insert(model.id(), version, format, file.sha256(), architectureSha, referenceSha, fileName, who);
            descriptions.insert(id, description);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("sha256", file.sha256());
            details.put("sizeBytes", file.size());
            details.put("format", format.name());
            if (fileName != null) {
                details.put("fileName", fileName);
            }
            audit.record("VERSION_UPLOADED", modelName, version, details);
            events.publishEvent(new ModelVersionUploaded(id, modelName, version));
            return versions.findById(id).orElseThrow();
        });
        return stored;
    }

    private static ModelFormat formatOf(StagedBlob file, @Nullable StagedBlob architecture) {
        try {
            FileSignature signature = FileSignature.of(file.file(), "the uploaded file");
            if (architecture != null) {
                if (signature != FileSignature.HDF5) {
                    throw RegistryException.invalid("an architecture part goes with a weights-only .h5 file, "
                            + "but the uploaded file is a ZIP archive");
                }
                if (architecture.size() == 0) {
                    throw new RegistryException(ProblemType.EMPTY_UPLOAD, "the architecture part is empty");
                }
                return ModelFormat.KERAS_WEIGHTS_H5;
            }
            return signature == FileSignature.HDF5 ? ModelFormat.KERAS_H5 : ModelFormat.KERAS_V3;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private StagedBlob stage(InputStream in, long maxBytes) {
        try {
            return blobs.stage(in, maxBytes);
        } catch (IOException e) {
            throw new UploadInterruptedException(e);
        }
    }

    private static MultipartStream.@Nullable Part next(MultipartStream multipart) {
        try {
            return multipart.next();
        } catch (IOException e) {
            throw new UploadInterruptedException(e);
        }
    }

    private static void rejectRepeated(@Nullable StagedBlob already, String part) {
        if (already != null) {
            throw RegistryException.invalid("multipart part '" + part + "' appears more than once");
        }
    }

    /** Keeps the last path segment only, and nothing a Content-Disposition header could be confused by. */
    static @Nullable String sanitizeFileName(@Nullable String fileName) {
        if (fileName == null) {
            return null;
        }
        String base = fileName.replace('\\', '/');
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("[\\p{Cntrl}\"]", "_").strip();
        if (base.isEmpty() || base.equals(".") || base.equals("..")) {
            return null;
        }
        return base.length() > 255 ? base.substring(base.length() - 255) : base;
    }

    /** The temporary files of one upload, removed whatever happens (a committed blob was moved away). */
    private static final class Staged implements AutoCloseable {
        @Nullable StagedBlob file;
        @Nullable StagedBlob architecture;
        @Nullable StagedBlob reference;
        @Nullable String fileName;

        @Override
        public void close() {
            if (file != null) {
                file.close();
            }
            if (architecture != null) {
                architecture.close();
            }
            if (reference != null) {
                reference.close();
            }
        }
    }
}
