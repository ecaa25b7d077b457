-- Accounts, sessions, companies, the login limiter and the audit trail.
CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('trainee', 'instructor', 'company', 'admin')),
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    phone         TEXT,
    career_stage  TEXT CHECK (career_stage IN ('student', 'job_seeker', 'incumbent')),
    region        TEXT,
    pool_opt_in   BOOLEAN NOT NULL DEFAULT FALSE,
    pool_opt_in_changed_at TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE UNIQUE INDEX users_email_key ON users (email);
--bun:split
CREATE INDEX users_role_id_idx ON users (role, id);
--bun:split
CREATE TABLE user_skills (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    skill   TEXT NOT NULL,
    PRIMARY KEY (user_id, skill)
);
--bun:split
CREATE INDEX user_skills_skill_idx ON user_skills (skill, user_id);
--bun:split
CREATE TABLE companies (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    rejection_reason TEXT,
    decided_at       TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE UNIQUE INDEX companies_user_id_key ON companies (user_id);
--bun:split
CREATE INDEX companies_status_id_idx ON companies (status, id);
--bun:split
CREATE TABLE refresh_tokens (
    id          TEXT PRIMARY KEY,
    family_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE UNIQUE INDEX refresh_tokens_hash_key ON refresh_tokens (token_hash);
--bun:split
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
--bun:split
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);
--bun:split
CREATE TABLE login_failures (
    key          TEXT PRIMARY KEY,
    window_start TIMESTAMPTZ NOT NULL,
    failures     INTEGER NOT NULL
);
--bun:split
CREATE TABLE audit_events (
    id          TEXT PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    TEXT,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT,
    request_id  TEXT
);
--bun:split
CREATE INDEX audit_events_entity_idx ON audit_events (entity, entity_id, id);
--bun:split
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, id);
