-- Validation: a job queue workers take from with FOR UPDATE SKIP LOCKED and leases, the reports they
-- write, and the workers themselves. The version's current validation status lives on the version.

ALTER TABLE model_version
    ADD COLUMN validation_status     text        NOT NULL DEFAULT 'PENDING',
    ADD COLUMN validation_updated_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN validation_summary    text,
    -- reference inputs and outputs (the keras-oracle JSON format) the smoke test compares against
    ADD COLUMN reference_sha256      text REFERENCES blob (sha256),
    ADD CONSTRAINT model_version_validation_status
        CHECK (validation_status IN ('PENDING', 'RUNNING', 'PASSED', 'FAILED', 'ERROR'));
CREATE INDEX model_version_by_reference ON model_version (reference_sha256) WHERE reference_sha256 IS NOT NULL;
CREATE INDEX model_version_by_validation ON model_version (model_id, validation_status, version);

CREATE TABLE validation_job (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version_id       bigint      NOT NULL REFERENCES model_version (id) ON DELETE CASCADE,
    state            text        NOT NULL DEFAULT 'QUEUED',
    reason           text        NOT NULL,
    requested_by     text        NOT NULL,
    attempts         integer     NOT NULL DEFAULT 0,
    max_attempts     integer     NOT NULL,
    enqueued_at      timestamptz NOT NULL DEFAULT now(),
    available_at     timestamptz NOT NULL DEFAULT now(),
    lease_owner      text,
    lease_expires_at timestamptz,
    child_pid        bigint,
    started_at       timestamptz,
    finished_at      timestamptz,
    last_error       text,
    CONSTRAINT validation_job_state CHECK (state IN ('QUEUED', 'RUNNING', 'DONE')),
    CONSTRAINT validation_job_attempts CHECK (attempts >= 0 AND max_attempts >= 1),
    CONSTRAINT validation_job_lease CHECK ((state = 'RUNNING') = (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL))
);
CREATE INDEX validation_job_ready ON validation_job (available_at, id) WHERE state = 'QUEUED';
CREATE INDEX validation_job_leases ON validation_job (lease_expires_at) WHERE state = 'RUNNING';
-- A version has at most one job waiting; one may wait while another runs (a custom object registered
-- during a run must lead to a run that sees it), but the queue never runs two of a version at once.
CREATE UNIQUE INDEX validation_job_one_waiting ON validation_job (version_id) WHERE state = 'QUEUED';
CREATE INDEX validation_job_running_by_version ON validation_job (version_id) WHERE state = 'RUNNING';

CREATE TABLE validation_report (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version_id  bigint      NOT NULL REFERENCES model_version (id) ON DELETE CASCADE,
    job_id      bigint      REFERENCES validation_job (id) ON DELETE SET NULL,
    attempt     integer     NOT NULL,
    status      text        NOT NULL,
    summary     text        NOT NULL,
    worker      text        NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    report      jsonb       NOT NULL,
    CONSTRAINT validation_report_status CHECK (status IN ('PASSED', 'FAILED', 'ERROR'))
);
CREATE INDEX validation_report_by_version ON validation_report (version_id, id DESC);

-- The custom objects a FAILED validation could not resolve, so registering one re-queues exactly
-- the versions that were missing it.
CREATE TABLE validation_missing_object (
    report_id  bigint NOT NULL REFERENCES validation_report (id) ON DELETE CASCADE,
    version_id bigint NOT NULL REFERENCES model_version (id) ON DELETE CASCADE,
    kind       text   NOT NULL,
    name       text   NOT NULL,
    PRIMARY KEY (report_id, kind, name)
);
CREATE INDEX validation_missing_object_by_name ON validation_missing_object (kind, name);

CREATE TABLE validation_worker (
    id           text        PRIMARY KEY,
    host         text        NOT NULL,
    pid          bigint      NOT NULL,
    role         text        NOT NULL,
    slots        integer     NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    heartbeat_at timestamptz NOT NULL DEFAULT now(),
    stopped_at   timestamptz,
    jobs_done    bigint      NOT NULL DEFAULT 0,
    crashes      bigint      NOT NULL DEFAULT 0,
    timeouts     bigint      NOT NULL DEFAULT 0
);
