-- The graduate pool: companies' contact requests to graduates, the hires
-- that follow, a Go-folded search form of user names, and the indexes the
-- pool's search walks.
--
-- A name's search form is lower-cased in Go by the account service (SQLite's
-- LOWER folds ASCII only); rows that exist before this step get LOWER(name),
-- which is the same for every name without non-ASCII capitals.
ALTER TABLE users ADD COLUMN search_name TEXT NOT NULL DEFAULT '';
--bun:split
UPDATE users SET search_name = LOWER(name);
--bun:split
-- The pool lists graduates by their most recent completion, newest first:
-- it walks completed enrolments backwards in this order, keeping each
-- trainee's latest one, so a filtered first page reads a few rows from an
-- index instead of aggregating every completion.
CREATE INDEX enrolments_completed_recent_idx ON enrolments (result_recorded_at, trainee_id) WHERE status = 'completed';
--bun:split
-- A trainee's completions: "is this one their latest?", their levels and
-- courses, and the track/level and course-text filters.
CREATE INDEX enrolments_completed_trainee_idx ON enrolments (trainee_id, result_recorded_at) WHERE status = 'completed';
--bun:split
CREATE TABLE contact_requests (
    id          TEXT PRIMARY KEY,
    company_id  TEXT NOT NULL REFERENCES companies (id),
    trainee_id  TEXT NOT NULL REFERENCES users (id),
    sent_by     TEXT NOT NULL REFERENCES users (id),
    message     TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'declined')),
    created_at  TIMESTAMPTZ NOT NULL,
    decided_at  TIMESTAMPTZ
);
--bun:split
-- At most one open (pending) request per company and graduate, even when
-- two arrive at once.
CREATE UNIQUE INDEX contact_requests_open_key ON contact_requests (company_id, trainee_id) WHERE status = 'pending';
--bun:split
CREATE INDEX contact_requests_trainee_idx ON contact_requests (trainee_id, id);
--bun:split
CREATE INDEX contact_requests_company_idx ON contact_requests (company_id, id);
--bun:split
CREATE TABLE hires (
    id                 TEXT PRIMARY KEY,
    company_id         TEXT NOT NULL REFERENCES companies (id),
    trainee_id         TEXT NOT NULL REFERENCES users (id),
    contact_request_id TEXT NOT NULL REFERENCES contact_requests (id),
    position           TEXT NOT NULL,
    hired_on           TEXT NOT NULL,
    recorded_by        TEXT NOT NULL REFERENCES users (id),
    created_at         TIMESTAMPTZ NOT NULL
);
--bun:split
-- One hire per contact request.
CREATE UNIQUE INDEX hires_contact_request_key ON hires (contact_request_id);
--bun:split
CREATE INDEX hires_trainee_idx ON hires (trainee_id);
--bun:split
CREATE INDEX hires_company_idx ON hires (company_id, id);
