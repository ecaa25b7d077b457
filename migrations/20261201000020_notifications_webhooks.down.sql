DROP TABLE mail_secrets;
--bun:split
DROP TABLE mail_jobs;
--bun:split
DROP TABLE webhook_deliveries;
--bun:split
DROP TABLE webhook_jobs;
--bun:split
DROP TABLE webhooks;
--bun:split
ALTER TABLE users DROP COLUMN email_notifications_json;
--bun:split
DROP TABLE notifications;
--bun:split
DROP TABLE event_sequence;
--bun:split
DROP INDEX events_unsequenced_idx;
--bun:split
DROP INDEX events_type_seq_idx;
--bun:split
CREATE INDEX events_type_idx ON events (type, id);
--bun:split
DROP INDEX events_seq_key;
--bun:split
ALTER TABLE events DROP COLUMN seq;
