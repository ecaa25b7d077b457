DROP TABLE audit_events;
--bun:split
DROP TABLE login_failures;
--bun:split
DROP TABLE refresh_tokens;
--bun:split
DROP TABLE companies;
--bun:split
DROP TABLE user_skills;
--bun:split
DROP TABLE users;
