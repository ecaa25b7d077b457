{{if eq .Dialect "pg"}}
DROP TRIGGER audit_events_no_change ON audit_events;
--bun:split
DROP FUNCTION audit_events_append_only();
{{else}}
DROP TRIGGER audit_events_no_update;
--bun:split
DROP TRIGGER audit_events_no_delete;
{{end}}
--bun:split
DROP INDEX audit_events_action_idx;
