DROP INDEX enrolments_status_recorded_idx;
--bun:split
DROP TABLE certificates;
