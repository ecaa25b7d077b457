-- Sessions (one per refresh-token family) so that an access token, which
-- names its session in `sid`, can be refused at once when the session ends;
-- and single-use password-reset tokens, stored only as hashes.
CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    refreshed_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);
--bun:split
CREATE INDEX sessions_user_idx ON sessions (user_id);
--bun:split
-- The families that already exist become sessions; a family with a revoked
-- token was revoked whole.
INSERT INTO sessions (id, user_id, created_at, revoked_at)
SELECT family_id, MIN(user_id), MIN(created_at), MAX(revoked_at)
FROM refresh_tokens
GROUP BY family_id;
--bun:split
CREATE TABLE password_resets (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE UNIQUE INDEX password_resets_hash_key ON password_resets (token_hash);
--bun:split
CREATE INDEX password_resets_user_idx ON password_resets (user_id);
