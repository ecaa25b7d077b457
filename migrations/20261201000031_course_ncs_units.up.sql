-- The NCS competency units a course teaches, as a JSON array of
-- {code, name, level}: read and written whole with the course, never
-- searched, so a column of its own rather than a table.
ALTER TABLE courses ADD COLUMN ncs_units TEXT NOT NULL DEFAULT '[]';
