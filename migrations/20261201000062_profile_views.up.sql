-- Every read of a graduate's pool entry by a company (PIPA: a user may see
-- who viewed them): one row per graduate and request. An export of the
-- whole pool writes one row per graduate in it, so a row must be cheap:
-- the primary key is the order a graduate's views are listed in, and on
-- SQLite the table is that key alone (WITHOUT ROWID), one B-tree per row
-- instead of a table, its key's index and a listing index.
CREATE TABLE profile_views (
    id          TEXT NOT NULL,
    graduate_id TEXT NOT NULL REFERENCES users (id),
    company_id  TEXT NOT NULL REFERENCES companies (id),
    kind        TEXT NOT NULL CHECK (kind IN ('search', 'read', 'export')),
    at          TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (graduate_id, at, id)
){{if ne .Dialect "pg"}} WITHOUT ROWID{{end}};
