-- A cohort is taught in sessions. sequence counts the changes of a session
-- (calendar SEQUENCE); check_in_secret is the per-session TOTP key (base32)
-- behind the self check-in codes.
CREATE TABLE cohort_sessions (
    id              TEXT PRIMARY KEY,
    cohort_id       TEXT NOT NULL REFERENCES cohorts (id),
    starts_at       TIMESTAMPTZ NOT NULL,
    ends_at         TIMESTAMPTZ NOT NULL,
    hours           DOUBLE PRECISION NOT NULL CHECK (hours > 0),
    topic           TEXT NOT NULL DEFAULT '',
    location        TEXT,
    status          TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    sequence        INTEGER NOT NULL DEFAULT 0,
    check_in_secret TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    CHECK (ends_at > starts_at)
);
--bun:split
CREATE INDEX cohort_sessions_cohort_starts_idx ON cohort_sessions (cohort_id, starts_at, id);
--bun:split
-- The register: one record per session and enrolment.
CREATE TABLE attendance_records (
    session_id    TEXT NOT NULL REFERENCES cohort_sessions (id),
    enrolment_id  TEXT NOT NULL REFERENCES enrolments (id),
    status        TEXT NOT NULL CHECK (status IN ('present', 'late', 'left_early', 'absent', 'excused')),
    note          TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL CHECK (source IN ('register', 'check_in')),
    recorded_by   TEXT NOT NULL REFERENCES users (id),
    checked_in_at TIMESTAMPTZ,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (session_id, enrolment_id)
);
--bun:split
CREATE INDEX attendance_records_enrolment_idx ON attendance_records (enrolment_id, session_id);
--bun:split
-- What the register says of an enrolment, kept by the attendance service
-- in the transaction of every change of the register or the sessions:
-- attended_hours from the records, at_risk while the minimum can no longer
-- be reached, and when the trainee was first flagged (the attendance.at_risk
-- event is recorded once, then).
CREATE TABLE attendance_standings (
    enrolment_id       TEXT PRIMARY KEY REFERENCES enrolments (id),
    attended_hours     DOUBLE PRECISION NOT NULL,
    at_risk            BOOLEAN NOT NULL DEFAULT FALSE,
    at_risk_flagged_at TIMESTAMPTZ,
    updated_at         TIMESTAMPTZ NOT NULL
);
--bun:split
-- A user's secret calendar feed: only the token's SHA-256 is kept; issuing
-- again replaces it.
CREATE TABLE calendar_feeds (
    user_id    TEXT PRIMARY KEY REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);
