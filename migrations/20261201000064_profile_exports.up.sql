-- A company's export of the pool as one row, and who was in it as a
-- narrow member table: an export of the whole pool wrote one
-- profile_views row per graduate (five columns, two foreign-key checks
-- each), half again the export's own time on SQLite. A member row is the
-- export and the graduate alone, keyed export first: export ids are
-- UUIDv7, in time order, so an export's members are appended at the
-- table's end, where keyed graduate first they went into every leaf of
-- the table and each export rewrote all of it. A graduate's views are
-- found by one key probe per export. It has no foreign keys because its
-- ids come from the export's own search of users and from profile_exports
-- in the same write. GET /v1/me/profile-views lists profile_views and
-- these together.
CREATE TABLE profile_exports (
    id         TEXT PRIMARY KEY,
    company_id TEXT NOT NULL REFERENCES companies (id),
    at         TIMESTAMPTZ NOT NULL
);

--bun:split

CREATE TABLE profile_export_members (
    export_id   TEXT NOT NULL,
    graduate_id TEXT NOT NULL,
    PRIMARY KEY (export_id, graduate_id)
){{if ne .Dialect "pg"}} WITHOUT ROWID{{end}};
