package io.kerasregistry.access;

/**
 * What a token may do. {@code ADMIN} includes every other role; {@code PUBLISHER} and
 * {@code APPROVER} each include {@code READER}.
 */
public enum Role {
    READER, PUBLISHER, APPROVER, ADMIN;

    String authority() {
        return "ROLE_" + name();
    }
}
