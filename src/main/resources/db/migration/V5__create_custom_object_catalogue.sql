-- The custom-object catalogue: what Python's custom_objects={...} would hold, by the name Keras
-- wrote into the file. Every change is a new revision; reports name the revisions they used.

CREATE TABLE custom_object (
    kind           text        NOT NULL,
    name           text        NOT NULL,
    revision       integer     NOT NULL,
    implementation text        NOT NULL,
    definition     jsonb       NOT NULL,
    description    text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    updated_by     text        NOT NULL,
    PRIMARY KEY (kind, name),
    CONSTRAINT custom_object_kind CHECK (kind IN ('regularizer', 'activation', 'layer', 'initializer', 'constraint',
                                                  'loss', 'metric', 'optimizer')),
    CONSTRAINT custom_object_implementation CHECK (implementation IN ('ALIAS', 'EXPRESSION', 'PLUGIN', 'INFERENCE_IDENTITY')),
    CONSTRAINT custom_object_revision_positive CHECK (revision >= 1)
);

-- Every definition ever registered, including deletions, so a report can name exactly what it used.
CREATE TABLE custom_object_revision (
    kind           text        NOT NULL,
    name           text        NOT NULL,
    revision       integer     NOT NULL,
    implementation text,
    definition     jsonb,
    description    text,
    changed_at     timestamptz NOT NULL DEFAULT now(),
    changed_by     text        NOT NULL,
    deleted        boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (kind, name, revision)
);

-- Revisions keep counting after a deletion, so (kind, name, revision) never names two definitions.
CREATE TABLE custom_object_counter (
    kind          text    NOT NULL,
    name          text    NOT NULL,
    last_revision integer NOT NULL,
    PRIMARY KEY (kind, name)
);
