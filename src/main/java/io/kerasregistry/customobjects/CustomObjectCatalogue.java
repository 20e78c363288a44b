package io.kerasregistry.customobjects;

import io.kerasregistry.audit.AuditLog;
import io.kerasregistry.audit.CurrentActor;
import io.kerasregistry.common.EntityTags;
import io.kerasregistry.common.ProblemType;
import io.kerasregistry.common.RegistryException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/** Registering, replacing and removing custom objects; every change is audited and revisioned. */
@Service
public class CustomObjectCatalogue {

    private final CatalogueRepository repository;
    private final DefinitionChecks checks;
    private final AuditLog audit;
    private final CurrentActor actor;
    private final TransactionTemplate transaction;
    private final ApplicationEventPublisher events;

    CustomObjectCatalogue(CatalogueRepository repository, DefinitionChecks checks, AuditLog audit, CurrentActor actor,
            TransactionTemplate transaction, ApplicationEventPublisher events) {
        this.repository = repository;
        this.checks = checks;
        this.audit = audit;
        this.actor = actor;
        this.transaction = transaction;
        this.events = events;
    }

    /** What a registration asks for. */
    record Registration(Implementation implementation, @Nullable JsonNode alias, @Nullable String expression,
            @Nullable String className, @Nullable String description) {
    }

    record Result(CustomObjectDefinition definition, boolean created) {
    }

    Result register(CatalogueKind kind, String name, Registration registration, @Nullable String ifMatch,
            @Nullable String ifNoneMatch) {
        checks.check(kind, name, registration);
        return transaction.execute(status -> {
            int revision = repository.nextRevision(kind, name);
            Optional<CustomObjectDefinition> current = repository.findForUpdate(kind, name);
            checkPreconditions(kind, name, current, ifMatch, ifNoneMatch);
            String who = actor.name();
            CustomObjectDefinition definition = new CustomObjectDefinition(kind, name, revision,
                    registration.implementation(), registration.alias(), registration.expression(),
                    registration.className(), registration.description(), Instant.now(), who);
            repository.upsert(definition, who);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("kind", kind.slug());
            details.put("name", name);
            details.put("revision", revision);
            details.put("implementation", registration.implementation().name());
            audit.record(current.isEmpty() ? "CUSTOM_OBJECT_REGISTERED" : "CUSTOM_OBJECT_REPLACED", null, null, details);
            events.publishEvent(new CustomObjectRegistered(kind, name, revision));
            return new Result(repository.find(kind, name).orElseThrow(), current.isEmpty());
        });
    }

    public Optional<CustomObjectDefinition> find(CatalogueKind kind, String name) {
        return repository.find(kind, name);
    }

    CustomObjectDefinition get(CatalogueKind kind, String name) {
        return find(kind, name).orElseThrow(() -> notFound(kind, name));
    }

    public List<CustomObjectDefinition> list(@Nullable CatalogueKind kind) {
        return repository.list(kind);
    }

    void delete(CatalogueKind kind, String name, @Nullable String ifMatch) {
        transaction.executeWithoutResult(status -> {
            CustomObjectDefinition current = repository.findForUpdate(kind, name).orElseThrow(() -> notFound(kind, name));
            if (ifMatch != null && !matches(ifMatch, current)) {
                throw preconditionFailed(kind, name, current);
            }
            int revision = repository.nextRevision(kind, name);
            repository.delete(kind, name, revision, actor.name());
            audit.record("CUSTOM_OBJECT_DELETED", null, null, Map.of("kind", kind.slug(), "name", name,
                    "revision", revision));
        });
    }

    private static void checkPreconditions(CatalogueKind kind, String name, Optional<CustomObjectDefinition> current,
            @Nullable String ifMatch, @Nullable String ifNoneMatch) {
        if (ifNoneMatch != null && ifNoneMatch.trim().equals("*") && current.isPresent()) {
            throw new RegistryException(ProblemType.PRECONDITION_FAILED, kind.slug() + " '" + name
                    + "' is already registered (revision " + current.get().revision() + ") and If-None-Match: * was sent");
        }
        if (ifMatch != null) {
            if (current.isEmpty()) {
                throw new RegistryException(ProblemType.PRECONDITION_FAILED, kind.slug() + " '" + name
                        + "' is not registered, so If-Match cannot match");
            }
            if (!matches(ifMatch, current.get())) {
                throw preconditionFailed(kind, name, current.get());
            }
        }
    }

    private static boolean matches(String ifMatch, CustomObjectDefinition current) {
        return EntityTags.matchesStrongly(ifMatch, current.etag());
    }

    private static RegistryException preconditionFailed(CatalogueKind kind, String name, CustomObjectDefinition current) {
        return new RegistryException(ProblemType.PRECONDITION_FAILED, kind.slug() + " '" + name
                + "' changed meanwhile: it is at revision " + current.revision()).withHeader("ETag", current.etag());
    }

    private static RegistryException notFound(CatalogueKind kind, String name) {
        return RegistryException.notFound("no " + kind.slug() + " named '" + name + "' is registered");
    }
}
