DROP TABLE hires;
--bun:split
DROP TABLE contact_requests;
--bun:split
DROP INDEX enrolments_completed_trainee_idx;
--bun:split
DROP INDEX enrolments_completed_recent_idx;
--bun:split
ALTER TABLE users DROP COLUMN search_name;
