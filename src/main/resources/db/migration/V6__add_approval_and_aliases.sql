-- Approval of versions, archiving, and aliases that deployment pipelines follow.

ALTER TABLE model_version
    ADD COLUMN approval_status     text        NOT NULL DEFAULT 'PENDING_APPROVAL',
    ADD COLUMN approval_updated_at timestamptz,
    ADD COLUMN approval_by         text,
    ADD COLUMN approval_comment    text,
    ADD COLUMN archived_at         timestamptz,
    ADD COLUMN archived_by         text,
    ADD CONSTRAINT model_version_approval_status
        CHECK (approval_status IN ('PENDING_APPROVAL', 'APPROVED', 'REJECTED')),
    -- an approved version always passed validation when it was approved
    ADD CONSTRAINT model_version_approval_complete
        CHECK ((approval_status = 'PENDING_APPROVAL') = (approval_by IS NULL));
CREATE INDEX model_version_latest_approved ON model_version (model_id, version DESC)
    WHERE approval_status = 'APPROVED' AND archived_at IS NULL;

-- Every decision, so "who approved what and when" has an answer long after the fact.
CREATE TABLE approval_decision (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version_id bigint      NOT NULL REFERENCES model_version (id) ON DELETE CASCADE,
    decision   text        NOT NULL CHECK (decision IN ('APPROVED', 'REJECTED')),
    comment    text        NOT NULL CHECK (char_length(comment) BETWEEN 1 AND 4000),
    decided_by text        NOT NULL,
    decided_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX approval_decision_by_version ON approval_decision (version_id, id);

CREATE TABLE model_alias (
    model_id   bigint      NOT NULL REFERENCES registered_model (id) ON DELETE CASCADE,
    name       text        NOT NULL,
    version_id bigint      NOT NULL REFERENCES model_version (id),
    -- grows with every move; the alias's ETag, for compare-and-set
    revision   integer     NOT NULL,
    forced     boolean     NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text        NOT NULL,
    PRIMARY KEY (model_id, name),
    CONSTRAINT model_alias_name_format CHECK (name ~ '^[a-z][a-z0-9_-]{0,62}$')
);
CREATE INDEX model_alias_by_version ON model_alias (version_id);

-- Which version an alias pointed to, from when: "what was in production at time T".
CREATE TABLE model_alias_history (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model_id   bigint      NOT NULL REFERENCES registered_model (id) ON DELETE CASCADE,
    alias      text        NOT NULL,
    version    integer,
    revision   integer     NOT NULL,
    forced     boolean     NOT NULL DEFAULT false,
    reason     text,
    changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    changed_by text        NOT NULL
);
CREATE INDEX model_alias_history_by_alias ON model_alias_history (model_id, alias, changed_at);
