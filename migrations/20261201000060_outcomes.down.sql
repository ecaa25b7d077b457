DROP INDEX hires_trainee_hired_on_idx;
--bun:split
DROP TABLE surveys;
--bun:split
DROP TABLE employments;
