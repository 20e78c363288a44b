-- API tokens: only a SHA-256 of each secret is kept; the secret is shown once, at creation.
CREATE TABLE api_token (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text        NOT NULL,
    token_hash   text        NOT NULL,
    roles        text[]      NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text        NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz,
    revoked_by   text,
    CONSTRAINT api_token_hash_unique UNIQUE (token_hash),
    CONSTRAINT api_token_hash_format CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    CONSTRAINT api_token_name_format CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._@:-]{0,99}$'),
    CONSTRAINT api_token_roles_known CHECK (roles <@ ARRAY['READER', 'PUBLISHER', 'APPROVER', 'ADMIN']::text[]
                                           AND cardinality(roles) >= 1)
);
-- A name identifies one live token, so audit events name their actor unambiguously.
CREATE UNIQUE INDEX api_token_live_name ON api_token (name) WHERE revoked_at IS NULL;
