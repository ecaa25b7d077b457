-- Certificates issued on completion. A certificate is valid until revoked;
-- an enrolment has at most one valid certificate, which the partial unique
-- index enforces even when two result submissions race.
CREATE TABLE certificates (
    id            TEXT PRIMARY KEY,
    code          TEXT NOT NULL,
    enrolment_id  TEXT NOT NULL REFERENCES enrolments (id),
    trainee_id    TEXT NOT NULL REFERENCES users (id),
    course_id     TEXT NOT NULL REFERENCES courses (id),
    issued_at     TIMESTAMPTZ NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('valid', 'revoked')),
    revoked_at    TIMESTAMPTZ,
    revoke_reason TEXT,
    revoked_by    TEXT REFERENCES users (id)
);
--bun:split
CREATE UNIQUE INDEX certificates_code_key ON certificates (code);
--bun:split
CREATE UNIQUE INDEX certificates_valid_enrolment_key ON certificates (enrolment_id) WHERE status = 'valid';
--bun:split
CREATE INDEX certificates_trainee_idx ON certificates (trainee_id, issued_at);
--bun:split
-- Completed enrolments by completion time, for the graduate pool and reports.
CREATE INDEX enrolments_status_recorded_idx ON enrolments (status, result_recorded_at);
