DROP TABLE password_resets;
--bun:split
DROP TABLE sessions;
