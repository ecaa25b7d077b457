DROP TABLE calendar_feeds;
--bun:split
DROP TABLE attendance_standings;
--bun:split
DROP TABLE attendance_records;
--bun:split
DROP TABLE cohort_sessions;
