package io.kerasregistry.customobjects;

/** Published, inside the registering transaction, when a custom object is registered or replaced. */
public record CustomObjectRegistered(CatalogueKind kind, String name, int revision) {
}
