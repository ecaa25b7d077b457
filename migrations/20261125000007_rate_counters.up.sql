-- Fixed-window counters for rate limits that several processes share
-- (the public certificate verifier).
CREATE TABLE rate_counters (
    key          TEXT PRIMARY KEY,
    window_start TIMESTAMPTZ NOT NULL,
    hits         INTEGER NOT NULL
);
