-- Employer demand (internal/demand): what an approved company needs, the
-- graduate pairs already known to match each demand (so a new match is
-- announced once), and the demand a hire fills.
CREATE TABLE demands (
    id          TEXT PRIMARY KEY,
    company_id  TEXT NOT NULL REFERENCES companies (id),
    created_by  TEXT NOT NULL REFERENCES users (id),
    title       TEXT NOT NULL,
    track       TEXT NOT NULL REFERENCES tracks (code),
    min_level   INTEGER NOT NULL CHECK (min_level BETWEEN 1 AND 5),
    skills_json TEXT NOT NULL DEFAULT '[]',
    headcount   INTEGER NOT NULL CHECK (headcount >= 1),
    -- filled never passes headcount: the hire that fills the last place
    -- closes the demand in its own transaction (demand.Store.fill).
    filled      INTEGER NOT NULL DEFAULT 0 CHECK (filled >= 0 AND filled <= headcount),
    region      TEXT,
    needed_by   TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL,
    closed_at   TIMESTAMPTZ,
    -- when demand_match_facts were last brought up to date for it
    facts_at    TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE INDEX demands_company_idx ON demands (company_id, id);
--bun:split
CREATE INDEX demands_status_idx ON demands (status, track, min_level, id);
--bun:split
-- What the fit rule reads of each trainee whose level in a demand's track
-- is at least its min_level (and who completed some course), kept per
-- demand so that a page of its matches is read from an index instead of
-- scoring the whole pool: their level, how many of the demand's skills they
-- hold, their region, their latest qualifying completion, and base, the
-- level, skills and region points (recency is added when read, as it moves
-- with the clock). Consent and an active account are checked when read.
-- Brought up to date when the demand is posted or edited, and for the
-- trainees who changed since, every minute (demand.Service.Refresh).
--
-- The facts and the known pairs below are written tens of thousands of
-- rows at a time (a broad demand at 100,000 trainees), only from queries
-- over demands and users: they carry no foreign keys, whose per-row checks
-- were half the time of posting a demand on PostgreSQL.
CREATE TABLE demand_match_facts (
    demand_id    TEXT NOT NULL,
    trainee_id   TEXT NOT NULL,
    level        INTEGER NOT NULL,
    skills_held  INTEGER NOT NULL,
    region       TEXT,
    qualified_at TIMESTAMPTZ,
    base         INTEGER NOT NULL,
    PRIMARY KEY (demand_id, trainee_id)
);
--bun:split
-- A demand's facts best first, with the completion time a recency band
-- filters on, so a band's page is read from the index alone.
CREATE INDEX demand_match_facts_rank_idx ON demand_match_facts (demand_id, base, trainee_id, qualified_at);
--bun:split
-- Every (demand, graduate) pair known to match: those matching when the
-- demand was posted or edited (announced false: the company reads them in
-- the matches), and each later one, announced once by a demand.matched
-- event in the transaction that inserts its row. The key makes it once.
CREATE TABLE demand_matches_seen (
    demand_id  TEXT NOT NULL,
    trainee_id TEXT NOT NULL,
    announced  BOOLEAN NOT NULL,
    at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (demand_id, trainee_id)
);
--bun:split
-- SQLite cannot drop a column that is in a foreign key (the down step
-- drops it), so there the demand service checks the reference instead.
ALTER TABLE hires ADD COLUMN demand_id TEXT{{if eq .Dialect "pg"}} REFERENCES demands (id){{end}};
--bun:split
CREATE INDEX hires_demand_idx ON hires (demand_id);
