-- Registered models, their versions, the blobs holding their bytes, and the audit log.

CREATE TABLE registered_model (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text        NOT NULL,
    description  text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text        NOT NULL,
    -- the highest version number ever given; versions are numbered from it so none is reused
    last_version integer     NOT NULL DEFAULT 0,
    CONSTRAINT registered_model_name_unique UNIQUE (name),
    CONSTRAINT registered_model_name_format CHECK (name ~ '^[a-z0-9]([a-z0-9._-]{0,126}[a-z0-9])?$'),
    CONSTRAINT registered_model_description_length CHECK (char_length(description) <= 4000),
    CONSTRAINT registered_model_last_version_positive CHECK (last_version >= 0)
);

-- A deleted model's name keeps its last version number, so a model registered again under that name
-- continues the numbering: "name v3" never denotes two different contents.
CREATE TABLE retired_model_name (
    name         text    PRIMARY KEY,
    last_version integer NOT NULL
);

CREATE TABLE model_tag (
    model_id bigint NOT NULL REFERENCES registered_model (id) ON DELETE CASCADE,
    tag      text   NOT NULL,
    PRIMARY KEY (model_id, tag),
    CONSTRAINT model_tag_format CHECK (tag ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$')
);
CREATE INDEX model_tag_by_tag ON model_tag (tag, model_id);

CREATE TABLE blob (
    sha256       text        PRIMARY KEY,
    size_bytes   bigint      NOT NULL,
    chunk_size   integer     NOT NULL,
    chunk_crc32c bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT blob_sha256_format CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT blob_size_not_negative CHECK (size_bytes >= 0),
    CONSTRAINT blob_chunk_size_positive CHECK (chunk_size > 0),
    CONSTRAINT blob_chunk_count CHECK (octet_length(chunk_crc32c) = 4 * ((size_bytes + chunk_size - 1) / chunk_size))
);

CREATE TABLE model_version (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    model_id            bigint      NOT NULL REFERENCES registered_model (id) ON DELETE CASCADE,
    version             integer     NOT NULL,
    format              text        NOT NULL,
    blob_sha256         text        NOT NULL REFERENCES blob (sha256),
    -- the architecture JSON uploaded with a weights-only file
    architecture_sha256 text        REFERENCES blob (sha256),
    file_name           text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    created_by          text        NOT NULL,
    CONSTRAINT model_version_unique UNIQUE (model_id, version),
    CONSTRAINT model_version_positive CHECK (version >= 1),
    CONSTRAINT model_version_format CHECK (format IN ('KERAS_H5', 'KERAS_V3', 'KERAS_WEIGHTS_H5')),
    CONSTRAINT model_version_weights_need_architecture
        CHECK ((format = 'KERAS_WEIGHTS_H5') = (architecture_sha256 IS NOT NULL)),
    CONSTRAINT model_version_file_name_length CHECK (char_length(file_name) <= 255)
);
CREATE INDEX model_version_by_blob ON model_version (blob_sha256);
CREATE INDEX model_version_by_architecture ON model_version (architecture_sha256) WHERE architecture_sha256 IS NOT NULL;

-- Append-only: each event carries the hash of the one before it, so an edited row breaks the chain.
CREATE TABLE audit_event (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor       text        NOT NULL,
    type        text        NOT NULL,
    model_name  text,
    version     integer,
    details     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    prev_hash   text        NOT NULL,
    hash        text        NOT NULL,
    CONSTRAINT audit_event_hash_format CHECK (hash ~ '^[0-9a-f]{64}$' AND prev_hash ~ '^[0-9a-f]{64}$')
);
CREATE INDEX audit_event_by_model ON audit_event (model_name, id);
CREATE INDEX audit_event_by_type ON audit_event (type, id);
CREATE INDEX audit_event_by_actor ON audit_event (actor, id);
CREATE INDEX audit_event_by_time ON audit_event (occurred_at);
