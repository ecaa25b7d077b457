-- Employer demand refreshes its match facts every minute for the trainees
-- whose account, enrolments or placements were written since the last
-- refresh (demand.Store.touchedSince). Without these, each refresh read
-- every user and enrolment: about 2 s on SQLite at 100,000 trainees and
-- 300,000 completions (cmd/bench-pool), in every serve process.
CREATE INDEX users_trainee_updated_idx ON users (role, updated_at);
--bun:split
CREATE INDEX enrolments_updated_idx ON enrolments (updated_at);
--bun:split
CREATE INDEX placements_created_idx ON placements (created_at);
