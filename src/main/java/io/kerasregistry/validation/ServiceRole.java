package io.kerasregistry.validation;

/**
 * What a process of the registry does ({@code keras-registry.role}).
 */
public enum ServiceRole {
    /** Serves the API and runs validation jobs in child processes it supervises (the default). */
    ALL,
    /** Serves the API only; validation runs in other processes sharing the database. */
    API,
    /** Runs validation jobs in child processes; serves only the actuator endpoints. */
    WORKER;

    boolean runsJobs() {
        return this != API;
    }
}
