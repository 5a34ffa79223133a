-- Keys, teams, users, spend and audit, for PostgreSQL and SQLite alike: their one difference, the
-- auto-increment key of audit_log, is a Flyway placeholder that Database fills per dialect.
-- Money is in nano-dollars (1e-9 USD) as exact integers.
-- Every change to keys/teams/users takes the next value of gantry_revision in its transaction;
-- instances poll "revision > last seen" to refresh their in-memory copy.

CREATE TABLE gantry_revision (id INTEGER PRIMARY KEY, value BIGINT NOT NULL);
INSERT INTO gantry_revision (id, value) VALUES (1, 0);

CREATE TABLE teams (
    id               VARCHAR(64)  PRIMARY KEY,
    name             VARCHAR(256) NOT NULL,
    models           TEXT,
    rpm_limit        BIGINT,
    tpm_limit        BIGINT,
    max_parallel     INTEGER,
    max_budget_nanos BIGINT,
    budget_duration_seconds BIGINT,
    metadata         TEXT,
    deleted          BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at       BIGINT       NOT NULL,
    updated_at       BIGINT       NOT NULL,
    revision         BIGINT       NOT NULL
);
CREATE INDEX teams_revision ON teams (revision);

CREATE TABLE users (
    id               VARCHAR(64)  PRIMARY KEY,
    name             VARCHAR(256),
    email            VARCHAR(320),
    team_id          VARCHAR(64),
    models           TEXT,
    rpm_limit        BIGINT,
    tpm_limit        BIGINT,
    max_parallel     INTEGER,
    max_budget_nanos BIGINT,
    budget_duration_seconds BIGINT,
    metadata         TEXT,
    deleted          BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at       BIGINT       NOT NULL,
    updated_at       BIGINT       NOT NULL,
    revision         BIGINT       NOT NULL
);
CREATE INDEX users_revision ON users (revision);

CREATE TABLE api_keys (
    id               VARCHAR(64)  PRIMARY KEY,
    key_hash         CHAR(64)     NOT NULL UNIQUE,
    key_prefix       VARCHAR(32)  NOT NULL,
    name             VARCHAR(256),
    team_id          VARCHAR(64),
    user_id          VARCHAR(64),
    models           TEXT,
    rpm_limit        BIGINT,
    tpm_limit        BIGINT,
    max_parallel     INTEGER,
    max_budget_nanos BIGINT,
    budget_duration_seconds BIGINT,
    expires_at       BIGINT,
    metadata         TEXT,
    revoked          BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at       BIGINT       NOT NULL,
    updated_at       BIGINT       NOT NULL,
    revision         BIGINT       NOT NULL
);
CREATE INDEX api_keys_revision ON api_keys (revision);

CREATE TABLE spend_events (
    id            VARCHAR(64)  PRIMARY KEY,
    ts            BIGINT       NOT NULL,
    request_id    VARCHAR(64),
    key_id        VARCHAR(64),
    team_id       VARCHAR(64),
    user_id       VARCHAR(64),
    model         VARCHAR(256),
    deployment    VARCHAR(512),
    input_tokens  BIGINT       NOT NULL,
    output_tokens BIGINT       NOT NULL,
    estimated     BOOLEAN      NOT NULL,
    cost_nanos    BIGINT       NOT NULL
);
CREATE INDEX spend_ts ON spend_events (ts);
CREATE INDEX spend_key_ts ON spend_events (key_id, ts);
CREATE INDEX spend_team_ts ON spend_events (team_id, ts);
CREATE INDEX spend_user_ts ON spend_events (user_id, ts);

CREATE TABLE audit_log (
    id          ${audit_id},
    ts          BIGINT       NOT NULL,
    actor       VARCHAR(128) NOT NULL,
    action      VARCHAR(64)  NOT NULL,
    entity_type VARCHAR(32)  NOT NULL,
    entity_id   VARCHAR(64),
    detail      TEXT
);
CREATE INDEX audit_ts ON audit_log (ts);
