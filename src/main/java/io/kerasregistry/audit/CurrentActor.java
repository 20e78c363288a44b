package io.kerasregistry.audit;

/** Who is making the current request; supplied by the security configuration. */
public interface CurrentActor {

    String name();

    /** Whether the actor holds administrator rights (forcing an alias onto an unapproved version). */
    default boolean isAdmin() {
        return false;
    }
}
