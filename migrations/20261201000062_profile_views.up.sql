-- Every read of a graduate's pool entry by a company (PIPA: a user may see
-- who looked at them): one row per graduate and request, written in one
-- batch per page.
CREATE TABLE profile_views (
    id          TEXT PRIMARY KEY,
    graduate_id TEXT NOT NULL REFERENCES users (id),
    company_id  TEXT NOT NULL REFERENCES companies (id),
    kind        TEXT NOT NULL CHECK (kind IN ('search', 'read', 'export')),
    at          TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE INDEX profile_views_graduate_idx ON profile_views (graduate_id, at, id);
