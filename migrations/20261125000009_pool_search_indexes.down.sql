DROP INDEX users_pool_region_idx;
--bun:split
DROP INDEX users_pool_idx;
--bun:split
DROP INDEX enrolments_trainee_status_idx;
--bun:split
CREATE INDEX enrolments_trainee_status_idx ON enrolments (trainee_id, status);
--bun:split
DROP INDEX enrolments_status_recorded_idx;
--bun:split
CREATE INDEX enrolments_status_recorded_idx ON enrolments (status, result_recorded_at);
