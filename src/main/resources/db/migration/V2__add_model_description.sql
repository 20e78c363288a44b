-- What the Keras reader found in each version: summary columns on the version, the architecture
-- document as uploaded, and normalised rows for browsing and filtering.

ALTER TABLE model_version
    ADD COLUMN keras_version         text,
    ADD COLUMN backend               text,
    ADD COLUMN model_class           text,
    ADD COLUMN subclassed            boolean NOT NULL DEFAULT false,
    ADD COLUMN param_count           bigint  NOT NULL DEFAULT 0,
    ADD COLUMN trainable_param_count bigint  NOT NULL DEFAULT 0,
    ADD COLUMN inputs                json    NOT NULL DEFAULT '[]'::json,
    ADD COLUMN outputs               json    NOT NULL DEFAULT '[]'::json,
    ADD CONSTRAINT model_version_param_counts CHECK (param_count >= 0 AND trainable_param_count BETWEEN 0 AND param_count);

-- Kept apart from model_version so that listing versions never drags megabytes of JSON along.
-- json, not jsonb: the document is kept as uploaded (key order, numbers), and jsonb cannot hold the
-- \u0000 escapes that marshalled Lambda bytecode contains.
CREATE TABLE model_architecture (
    version_id      bigint PRIMARY KEY REFERENCES model_version (id) ON DELETE CASCADE,
    config          json   NOT NULL,
    training_config json
);

CREATE TABLE model_layer (
    version_id   bigint  NOT NULL REFERENCES model_version (id) ON DELETE CASCADE,
    ordinal      integer NOT NULL,
    path         text    NOT NULL,
    name         text    NOT NULL,
    class_name   text    NOT NULL,
    trainable    boolean NOT NULL,
    param_count  bigint  NOT NULL CHECK (param_count >= 0),
    output_shape text,
    PRIMARY KEY (version_id, ordinal)
);
CREATE INDEX model_layer_by_class ON model_layer (class_name, version_id);

CREATE TABLE model_regularizer (
    version_id         bigint  NOT NULL REFERENCES model_version (id) ON DELETE CASCADE,
    ordinal            integer NOT NULL,
    layer_path         text    NOT NULL,
    attribute          text    NOT NULL,
    original_attribute text    NOT NULL,
    kind               text    NOT NULL CHECK (kind IN ('L1', 'L2', 'L1L2', 'ORTHOGONAL', 'CUSTOM')),
    l1                 double precision,
    l2                 double precision,
    factor             double precision,
    mode               text,
    name               text    NOT NULL,
    config             json    NOT NULL,
    PRIMARY KEY (version_id, ordinal)
);
CREATE INDEX model_regularizer_by_kind ON model_regularizer (kind, version_id);

-- Initializers and constraints set on layers.
CREATE TABLE model_layer_object (
    version_id bigint  NOT NULL REFERENCES model_version (id) ON DELETE CASCADE,
    ordinal    integer NOT NULL,
    category   text    NOT NULL CHECK (category IN ('INITIALIZER', 'CONSTRAINT')),
    layer_path text    NOT NULL,
    attribute  text    NOT NULL,
    name       text    NOT NULL,
    built_in   boolean NOT NULL,
    config     json    NOT NULL,
    PRIMARY KEY (version_id, ordinal)
);

CREATE TABLE model_custom_object_ref (
    version_id bigint  NOT NULL REFERENCES model_version (id) ON DELETE CASCADE,
    ordinal    integer NOT NULL,
    kind       text    NOT NULL,
    name       text    NOT NULL,
    layer_path text,
    attribute  text,
    class_name text    NOT NULL,
    module     text,
    config     json,
    PRIMARY KEY (version_id, ordinal)
);
CREATE INDEX model_custom_object_ref_by_name ON model_custom_object_ref (kind, name);

CREATE TABLE model_finding (
    version_id bigint  NOT NULL REFERENCES model_version (id) ON DELETE CASCADE,
    ordinal    integer NOT NULL,
    code       text    NOT NULL,
    severity   text    NOT NULL CHECK (severity IN ('INFO', 'WARNING', 'UNSAFE')),
    message    text    NOT NULL,
    layer_path text,
    PRIMARY KEY (version_id, ordinal)
);
