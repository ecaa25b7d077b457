-- The audit trail is append-only in the database itself, not only in the
-- API: updates and deletes of audit events are refused.
{{if eq .Dialect "pg"}}
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$;
--bun:split
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
--bun:split
CREATE INDEX audit_events_action_idx ON audit_events (action, id);
{{else}}
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
--bun:split
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit events are append-only');
END;
--bun:split
CREATE INDEX audit_events_action_idx ON audit_events (action, id);
{{end}}
