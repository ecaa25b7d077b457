DROP TABLE enrolments;
--bun:split
DROP TABLE placements;
--bun:split
DROP TABLE cohorts;
--bun:split
DROP TABLE course_prerequisites;
--bun:split
DROP TABLE course_skills;
--bun:split
DROP TABLE courses;
--bun:split
DROP TABLE tracks;
