-- The consent history (PIPA): every grant or withdrawal of a purpose (the
-- graduate pool, e-mail, the terms) with when and through what it happened.
-- Rows are only ever added.
CREATE TABLE consents (
    id      TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('pool', 'email', 'terms')),
    granted BOOLEAN NOT NULL,
    at      TIMESTAMPTZ NOT NULL,
    source  TEXT NOT NULL CHECK (source IN ('registration', 'profile', 'admin', 'erasure', 'migration'))
);
--bun:split
CREATE INDEX consents_user_idx ON consents (user_id, at, id);
--bun:split
-- The history that exists already: every account accepted the terms when it
-- was made, and a trainee's last pool choice is known with its time.
INSERT INTO consents (id, user_id, purpose, granted, at, source)
SELECT id || '-terms', id, 'terms', TRUE, created_at, 'migration' FROM users;
--bun:split
INSERT INTO consents (id, user_id, purpose, granted, at, source)
SELECT id || '-pool', id, 'pool', pool_opt_in, pool_opt_in_changed_at, 'migration'
FROM users WHERE pool_opt_in_changed_at IS NOT NULL;
