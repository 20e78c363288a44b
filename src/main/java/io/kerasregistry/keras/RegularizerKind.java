package io.kerasregistry.keras;

/** The regularizers Keras ships, and everything else. */
public enum RegularizerKind {
    L1, L2, L1L2, ORTHOGONAL, CUSTOM
}
