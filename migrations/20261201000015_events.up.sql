-- The transactional outbox: every change someone must hear about writes one
-- row here in the same transaction as the change itself, so nothing is
-- announced that did not happen and nothing that happened goes unannounced.
-- recipients_json lists the user ids told in-app (and by e-mail).
CREATE TABLE events (
    id              TEXT PRIMARY KEY,
    type            TEXT NOT NULL,
    subject         TEXT NOT NULL,
    data_json       TEXT NOT NULL,
    recipients_json TEXT NOT NULL DEFAULT '[]',
    at              TIMESTAMPTZ NOT NULL,
    request_id      TEXT
);
--bun:split
CREATE INDEX events_type_idx ON events (type, id);
