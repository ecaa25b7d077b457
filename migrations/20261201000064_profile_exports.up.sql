-- A company's export of the pool as one row, and who was in it as a
-- narrow member table: an export of the whole pool wrote one
-- profile_views row per graduate (five columns, two foreign-key checks
-- each), half again the export's own time on SQLite. A member row is the
-- graduate and the export alone, keyed the way a graduate's views are
-- listed; it has no foreign keys because its ids come from the export's
-- own search of users and from profile_exports in the same write.
-- GET /v1/me/profile-views lists profile_views and these together.
CREATE TABLE profile_exports (
    id         TEXT PRIMARY KEY,
    company_id TEXT NOT NULL REFERENCES companies (id),
    at         TIMESTAMPTZ NOT NULL
);

--bun:split

CREATE TABLE profile_export_members (
    graduate_id TEXT NOT NULL,
    export_id   TEXT NOT NULL,
    PRIMARY KEY (graduate_id, export_id)
){{if ne .Dialect "pg"}} WITHOUT ROWID{{end}};
