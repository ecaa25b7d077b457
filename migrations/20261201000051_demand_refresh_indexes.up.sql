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
--bun:split
-- A demand's facts start from the completions of the cohorts whose course
-- counts (catalogue.QualifyingRows): with the trainee and the time in the
-- key, PostgreSQL reads them from the index alone instead of a heap page
-- per completion (1.6 s for a broad demand at 300,000 completions).
CREATE INDEX enrolments_cohort_completed_idx ON enrolments (cohort_id, trainee_id, result_recorded_at) WHERE status = 'completed';
