-- One counter for the whole published catalogue: every transaction that
-- changes a track, a course or a cohort adds one to it, and every serve
-- process reads it (one primary-key read) before answering a catalogue
-- read from its in-process cache, so a change made through one process is
-- seen at once by all. Seat counts change too often to bump it (every
-- enrolment); they are cached for at most a second instead.
CREATE TABLE catalogue_versions (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT  NOT NULL
);
--bun:split
INSERT INTO catalogue_versions (id, version) VALUES (1, 1);
