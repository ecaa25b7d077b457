-- What the outbox feeds. Events get their place in commit order (seq) from
-- the sequencer after they commit: ids are made before commit, so id order
-- is not commit order, and a reader paging by id could skip an event that
-- committed late. Sequencing also fans each event out, once, to the
-- webhook deliveries and e-mails it causes.
ALTER TABLE events ADD COLUMN seq BIGINT;
--bun:split
-- The log's indexes hold sequenced events only, so that recording an event
-- (on the enrolment rush's path) touches as few indexes as possible and the
-- sequencer, off that path, fills them.
CREATE UNIQUE INDEX events_seq_key ON events (seq) WHERE seq IS NOT NULL;
--bun:split
DROP INDEX events_type_idx;
--bun:split
CREATE INDEX events_type_seq_idx ON events (type, seq) WHERE seq IS NOT NULL;
--bun:split
CREATE INDEX events_unsequenced_idx ON events (id) WHERE seq IS NULL;
--bun:split
-- The one counter of the sequence; its row is the sequencer's lock.
CREATE TABLE event_sequence (
    id   INTEGER PRIMARY KEY,
    last BIGINT NOT NULL
);
--bun:split
INSERT INTO event_sequence (id, last) VALUES (1, 0);
--bun:split
-- In-app notifications: one per event and recipient, written with the event.
CREATE TABLE notifications (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id   TEXT NOT NULL REFERENCES events (id),
    created_at TIMESTAMPTZ NOT NULL,
    read_at    TIMESTAMPTZ
);
--bun:split
CREATE INDEX notifications_user_idx ON notifications (user_id, id);
--bun:split
-- Notification types a user does not want by e-mail ({"type": false}).
ALTER TABLE users ADD COLUMN email_notifications_json TEXT NOT NULL DEFAULT '{}';
--bun:split
CREATE TABLE webhooks (
    id            TEXT PRIMARY KEY,
    url           TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    events_json   TEXT NOT NULL,
    secret        TEXT NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    failing_since TIMESTAMPTZ,
    disabled_at   TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
--bun:split
-- One delivery job per event and subscription: claimed with a lease, retried
-- until it succeeds or its 24 hours are over.
CREATE TABLE webhook_jobs (
    id          TEXT PRIMARY KEY,
    webhook_id  TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id    TEXT NOT NULL REFERENCES events (id),
    state       TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     TIMESTAMPTZ NOT NULL,
    lease_until TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE INDEX webhook_jobs_due_idx ON webhook_jobs (next_at) WHERE state = 'pending';
--bun:split
-- The delivery log: one row per attempt.
CREATE TABLE webhook_deliveries (
    id          TEXT PRIMARY KEY,
    webhook_id  TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    job_id      TEXT NOT NULL REFERENCES webhook_jobs (id) ON DELETE CASCADE,
    event_id    TEXT NOT NULL,
    event_type  TEXT NOT NULL,
    attempt     INTEGER NOT NULL,
    status_code INTEGER,
    error       TEXT,
    duration_ms INTEGER NOT NULL,
    at          TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE INDEX webhook_deliveries_webhook_idx ON webhook_deliveries (webhook_id, id);
--bun:split
-- E-mails to send: one per event and recipient who wants it.
CREATE TABLE mail_jobs (
    id          TEXT PRIMARY KEY,
    event_id    TEXT NOT NULL REFERENCES events (id),
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     TIMESTAMPTZ NOT NULL,
    lease_until TIMESTAMPTZ,
    error       TEXT,
    created_at  TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE INDEX mail_jobs_due_idx ON mail_jobs (next_at) WHERE state = 'pending';
--bun:split
-- What an e-mail needs that no event may carry (a password-reset token),
-- sealed with a key derived from the server's secret, kept only until the
-- mail is sent or the token expires.
CREATE TABLE mail_secrets (
    event_id   TEXT PRIMARY KEY REFERENCES events (id),
    sealed     TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
