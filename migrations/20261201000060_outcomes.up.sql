-- What the programme is judged on after a course: employment the trainees
-- report themselves (a hire recorded by a company counts too, read from
-- hires) and one satisfaction survey per finished enrolment.
CREATE TABLE employments (
    id         TEXT PRIMARY KEY,
    trainee_id TEXT NOT NULL REFERENCES users (id),
    employer   TEXT NOT NULL,
    started_on TEXT NOT NULL,
    insured    BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
--bun:split
-- "Did this trainee start a job by this date?" for the outcomes report.
CREATE INDEX employments_trainee_started_idx ON employments (trainee_id, started_on, insured);
--bun:split
CREATE TABLE surveys (
    id           TEXT PRIMARY KEY,
    enrolment_id TEXT NOT NULL REFERENCES enrolments (id),
    trainee_id   TEXT NOT NULL REFERENCES users (id),
    rating       INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment      TEXT,
    created_at   TIMESTAMPTZ NOT NULL
);
--bun:split
-- One survey per enrolment, even when two answers race.
CREATE UNIQUE INDEX surveys_enrolment_key ON surveys (enrolment_id);
--bun:split
CREATE INDEX surveys_trainee_idx ON surveys (trainee_id);
--bun:split
-- The report's "hired by this date?" reads a trainee's hires by date.
CREATE INDEX hires_trainee_hired_on_idx ON hires (trainee_id, hired_on);
