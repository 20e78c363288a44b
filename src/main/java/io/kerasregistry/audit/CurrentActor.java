package io.kerasregistry.audit;

/** Who is making the current request; supplied by the security configuration. */
@FunctionalInterface
public interface CurrentActor {

    String name();
}
