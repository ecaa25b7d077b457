-- The catalogue: tracks, courses and their skills and prerequisites,
-- cohorts, admin placements, and the enrolments table (created here because
-- levels need completions and cohorts need their waitlist length; the
-- enrolment work adds behaviour, not schema). Dates are TEXT 'YYYY-MM-DD'.
CREATE TABLE tracks (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
--bun:split
INSERT INTO tracks (code, name, created_at) VALUES
    ('cell-design',    '셀 설계 (Cell Design)',                 '2026-11-25 00:00:00+00:00'),
    ('materials',      '소재 (Materials)',                      '2026-11-25 00:00:00+00:00'),
    ('manufacturing',  '제조 공정 (Manufacturing)',              '2026-11-25 00:00:00+00:00'),
    ('bms',            '배터리 관리 시스템 (Battery Management Systems)', '2026-11-25 00:00:00+00:00'),
    ('safety-testing', '안전성 시험 (Safety Testing)',           '2026-11-25 00:00:00+00:00'),
    ('recycling',      '재활용 (Recycling)',                    '2026-11-25 00:00:00+00:00');
--bun:split
CREATE TABLE courses (
    id             TEXT PRIMARY KEY,
    code           TEXT NOT NULL,
    title          TEXT NOT NULL,
    description    TEXT NOT NULL,
    track          TEXT NOT NULL REFERENCES tracks (code),
    level          INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    hours          DOUBLE PRECISION NOT NULL CHECK (hours > 0),
    pass_score     DOUBLE PRECISION NOT NULL CHECK (pass_score >= 0 AND pass_score <= 100),
    min_attendance DOUBLE PRECISION NOT NULL CHECK (min_attendance >= 0 AND min_attendance <= 1),
    status         TEXT NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    -- lower-cased "code title", folded in Go (SQLite's LOWER folds ASCII only)
    search_text    TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE UNIQUE INDEX courses_code_key ON courses (code);
--bun:split
-- The list pages by id within a status (the public list is always
-- status = 'published'), optionally narrowed by track or level.
CREATE INDEX courses_status_id_idx ON courses (status, id);
--bun:split
CREATE INDEX courses_track_status_id_idx ON courses (track, status, id);
--bun:split
CREATE INDEX courses_level_status_id_idx ON courses (level, status, id);
--bun:split
CREATE TABLE course_skills (
    course_id TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    skill     TEXT NOT NULL,
    PRIMARY KEY (course_id, skill)
);
--bun:split
CREATE INDEX course_skills_skill_idx ON course_skills (skill, course_id);
--bun:split
CREATE TABLE course_prerequisites (
    course_id       TEXT NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    prerequisite_id TEXT NOT NULL REFERENCES courses (id),
    PRIMARY KEY (course_id, prerequisite_id),
    CHECK (course_id <> prerequisite_id)
);
--bun:split
CREATE INDEX course_prerequisites_prerequisite_idx ON course_prerequisites (prerequisite_id, course_id);
--bun:split
CREATE TABLE cohorts (
    id              TEXT PRIMARY KEY,
    course_id       TEXT NOT NULL REFERENCES courses (id),
    label           TEXT NOT NULL,
    instructor_id   TEXT NOT NULL REFERENCES users (id),
    capacity        INTEGER NOT NULL CHECK (capacity >= 1),
    -- seats held (enrolled, completed, failed); the enrolment work keeps it
    -- with a conditional UPDATE, and the CHECK below backs it.
    seats_taken     INTEGER NOT NULL DEFAULT 0 CHECK (seats_taken >= 0),
    starts_on       TEXT NOT NULL,
    ends_on         TEXT NOT NULL,
    enrol_opens_at  TIMESTAMPTZ NOT NULL,
    enrol_closes_at TIMESTAMPTZ NOT NULL,
    mode            TEXT NOT NULL CHECK (mode IN ('onsite', 'online', 'hybrid')),
    location        TEXT,
    cancelled_at    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    CHECK (seats_taken <= capacity),
    CHECK (starts_on <= ends_on),
    CHECK (enrol_opens_at < enrol_closes_at)
);
--bun:split
CREATE INDEX cohorts_starts_on_id_idx ON cohorts (starts_on, id);
--bun:split
CREATE INDEX cohorts_course_starts_on_idx ON cohorts (course_id, starts_on, id);
--bun:split
CREATE INDEX cohorts_instructor_starts_on_idx ON cohorts (instructor_id, starts_on, id);
--bun:split
CREATE INDEX cohorts_window_idx ON cohorts (enrol_closes_at, enrol_opens_at);
--bun:split
CREATE TABLE placements (
    id         TEXT PRIMARY KEY,
    trainee_id TEXT NOT NULL REFERENCES users (id),
    track      TEXT NOT NULL REFERENCES tracks (code),
    level      INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    reason     TEXT NOT NULL,
    placed_by  TEXT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE INDEX placements_trainee_track_idx ON placements (trainee_id, track, id);
--bun:split
CREATE TABLE enrolments (
    id                 TEXT PRIMARY KEY,
    cohort_id          TEXT NOT NULL REFERENCES cohorts (id),
    trainee_id         TEXT NOT NULL REFERENCES users (id),
    status             TEXT NOT NULL CHECK (status IN ('enrolled', 'waitlisted', 'withdrawn', 'completed', 'failed', 'cancelled')),
    -- arrival order while waitlisted, NULL otherwise
    waitlist_seq       BIGINT,
    attended_hours     DOUBLE PRECISION,
    score              DOUBLE PRECISION,
    result_recorded_at TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
--bun:split
-- No trainee holds two active enrolments in one cohort.
CREATE UNIQUE INDEX enrolments_active_key ON enrolments (cohort_id, trainee_id) WHERE status IN ('enrolled', 'waitlisted');
--bun:split
CREATE INDEX enrolments_cohort_status_seq_idx ON enrolments (cohort_id, status, waitlist_seq);
--bun:split
CREATE INDEX enrolments_trainee_status_idx ON enrolments (trainee_id, status);
