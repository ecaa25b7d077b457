DROP INDEX enrolments_cohort_completed_idx;
--bun:split
DROP INDEX placements_created_idx;
--bun:split
DROP INDEX enrolments_updated_idx;
--bun:split
DROP INDEX users_trainee_updated_idx;
