-- One store of fixed-window counters for every limit (failed logins too,
-- which had a table of their own). Each counter carries the end of its
-- window, so that limits with different windows share the table and one
-- prune serves them all. The counters are short-lived: starting them afresh
-- at this upgrade forgets at most one window of counts.
DROP TABLE login_failures;
--bun:split
DROP TABLE rate_counters;
--bun:split
CREATE TABLE rate_counters (
    key        TEXT PRIMARY KEY,
    hits       INTEGER NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE INDEX rate_counters_expires_idx ON rate_counters (expires_at);
