// Package events is SkillGrid's transactional outbox. A service that makes a
// change someone must hear about calls Record with the transaction making the
// change, so the event (and the in-app notifications of its recipients)
// commits or rolls back with it. The sequencer then gives each committed
// event its place in commit order and fans it out to webhooks and e-mail;
// the event log, notifications, e-mail and webhooks all read from what
// Record wrote.
package events

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
)

// Type names what happened, as PRODUCT.md lists it.
type Type string

// The event types. Every one is recorded in the transaction of its change.
const (
	EnrolmentCreated       Type = "enrolment.created"
	EnrolmentPromoted      Type = "enrolment.promoted"
	EnrolmentWithdrawn     Type = "enrolment.withdrawn"
	EnrolmentCancelled     Type = "enrolment.cancelled"
	CohortChanged          Type = "cohort.changed"
	CohortCancelled        Type = "cohort.cancelled"
	SessionChanged         Type = "session.changed"
	AttendanceAtRisk       Type = "attendance.at_risk"
	ResultRecorded         Type = "result.recorded"
	CertificateIssued      Type = "certificate.issued"
	CertificateRevoked     Type = "certificate.revoked"
	ContactRequestReceived Type = "contact_request.received"
	ContactRequestAccepted Type = "contact_request.accepted"
	ContactRequestDeclined Type = "contact_request.declined"
	HireRecorded           Type = "hire.recorded"
	CompanyApproved        Type = "company.approved"
	CompanyRejected        Type = "company.rejected"
	DemandMatched          Type = "demand.matched"
	PasswordResetRequested Type = "password.reset_requested"
	// WebhookDisabled tells the admins that a subscription whose
	// deliveries failed for 24 hours was switched off.
	WebhookDisabled Type = "webhook.disabled"
)

// Types lists every event type, in PRODUCT.md's order, then SkillGrid's own.
var Types = []Type{
	EnrolmentCreated, EnrolmentPromoted, EnrolmentWithdrawn, EnrolmentCancelled,
	CohortChanged, CohortCancelled, SessionChanged, AttendanceAtRisk,
	ResultRecorded, CertificateIssued, CertificateRevoked,
	ContactRequestReceived, ContactRequestAccepted, ContactRequestDeclined,
	HireRecorded, CompanyApproved, CompanyRejected, DemandMatched,
	PasswordResetRequested, WebhookDisabled,
}

// Known reports whether t is one of Types.
func Known(t Type) bool {
	for _, k := range Types {
		if k == t {
			return true
		}
	}
	return false
}

// Event is one thing that happened.
type Event struct {
	// ID is the event's id; Record makes one when it is empty (set it only
	// when something else written in the transaction must name the event).
	ID   string
	Type Type
	// Subject is the API path of the thing concerned, such as
	// "/v1/enrolments/0190...": the notification's link and the
	// CloudEvents subject.
	Subject string
	// Data is the event's payload, marshalled to JSON; it must not hold
	// secrets (webhook receivers see it).
	Data any
	// Recipients are the ids of the users told in-app (and by e-mail);
	// empty when the event is only for the log and webhooks.
	Recipients []string
	// At is when the change happened (the service's clock).
	At time.Time
	// RequestID is the request that caused the change; "" means the one
	// ctx carries (a batch serves several requests at once).
	RequestID string
}

// Record writes evs, and a notification for each of their recipients,
// through idb, which must be the transaction making the change they
// describe: on PostgreSQL in two statements whatever their number, on
// SQLite (in process, no round trips) one prepared insert at a time.
func Record(ctx context.Context, idb bun.IDB, evs ...Event) error {
	if len(evs) == 0 {
		return nil
	}
	ctxRequest := audit.RequestID(ctx)
	n := len(evs)
	var (
		eventIDs, types, subjects, datas, tos = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		ats                                   = make([]time.Time, n)
		requests                              = make([]*string, n)
		noteIDs, noteUsers, noteEvents        []string
		noteAts                               []time.Time
	)
	for i, e := range evs {
		data, err := json.Marshal(e.Data)
		if err != nil {
			return fmt.Errorf("marshal %s event: %w", e.Type, err)
		}
		recipients := e.Recipients
		if recipients == nil {
			recipients = []string{}
		}
		to, err := json.Marshal(recipients)
		if err != nil {
			return fmt.Errorf("marshal %s recipients: %w", e.Type, err)
		}
		id := e.ID
		if id == "" {
			id = ids.New()
		}
		rid := e.RequestID
		if rid == "" {
			rid = ctxRequest
		}
		if rid != "" {
			requests[i] = &rid
		}
		eventIDs[i], types[i], subjects[i], datas[i], tos[i], ats[i] = id, string(e.Type), e.Subject, string(data), string(to), e.At.UTC()
		for _, u := range recipients {
			noteIDs, noteUsers, noteEvents, noteAts = append(noteIDs, ids.New()), append(noteUsers, u), append(noteEvents, id), append(noteAts, ats[i])
		}
	}
	if !db.IsPostgres(idb) {
		return recordSQLite(ctx, idb, eventIDs, types, subjects, datas, tos, ats, requests, noteIDs, noteUsers, noteEvents, noteAts)
	}
	if len(noteIDs) == 0 {
		_, err := db.Exec(ctx, idb, `INSERT INTO events (id, type, subject, data_json, recipients_json, at, request_id)
SELECT * FROM unnest(?0::text[], ?1::text[], ?2::text[], ?3::text[], ?4::text[], ?5::timestamptz[], ?6::text[])`,
			eventIDs, types, subjects, datas, tos, ats, requests)
		if err != nil {
			return fmt.Errorf("record %d events: %w", n, err)
		}
		return nil
	}
	// One statement for the events and their notifications: a batch of
	// enrolments pays one round trip under its cohort's lock.
	_, err := db.Exec(ctx, idb, `WITH recorded AS (
  INSERT INTO events (id, type, subject, data_json, recipients_json, at, request_id)
  SELECT * FROM unnest(?0::text[], ?1::text[], ?2::text[], ?3::text[], ?4::text[], ?5::timestamptz[], ?6::text[]))
INSERT INTO notifications (id, user_id, event_id, created_at)
SELECT * FROM unnest(?7::text[], ?8::text[], ?9::text[], ?10::timestamptz[])`,
		eventIDs, types, subjects, datas, tos, ats, requests, noteIDs, noteUsers, noteEvents, noteAts)
	if err != nil {
		return fmt.Errorf("record %d events and their notifications: %w", n, err)
	}
	return nil
}

// recordSQLite writes events and notifications on SQLite: one prepared
// insert each for a single row, else one statement per table reading every
// row from a JSON array (json_each), which in process costs far less than
// a statement per row.
func recordSQLite(ctx context.Context, idb bun.IDB, eventIDs, types, subjects, datas, tos []string, ats []time.Time, requests []*string,
	noteIDs, noteUsers, noteEvents []string, noteAts []time.Time) error {
	if len(eventIDs) == 1 {
		if _, err := db.Exec(ctx, idb, `INSERT INTO events (id, type, subject, data_json, recipients_json, at, request_id)
VALUES (?0, ?1, ?2, ?3, ?4, ?5, ?6)`, eventIDs[0], types[0], subjects[0], datas[0], tos[0], ats[0], requests[0]); err != nil {
			return fmt.Errorf("record %s event: %w", types[0], err)
		}
	} else {
		rows := make([][7]any, len(eventIDs))
		for i := range rows {
			rows[i] = [7]any{eventIDs[i], types[i], subjects[i], datas[i], tos[i], db.SQLiteTime(ats[i]), requests[i]}
		}
		list, err := json.Marshal(rows)
		if err != nil {
			return err
		}
		if _, err := db.Exec(ctx, idb, `INSERT INTO events (id, type, subject, data_json, recipients_json, at, request_id)
SELECT j.value->>0, j.value->>1, j.value->>2, j.value->>3, j.value->>4, j.value->>5, j.value->>6 FROM json_each(?0) AS j`, string(list)); err != nil {
			return fmt.Errorf("record %d events: %w", len(rows), err)
		}
	}
	switch len(noteIDs) {
	case 0:
		return nil
	case 1:
		if _, err := db.Exec(ctx, idb, `INSERT INTO notifications (id, user_id, event_id, created_at) VALUES (?0, ?1, ?2, ?3)`,
			noteIDs[0], noteUsers[0], noteEvents[0], noteAts[0]); err != nil {
			return fmt.Errorf("notify of event %s: %w", noteEvents[0], err)
		}
		return nil
	}
	rows := make([][4]string, len(noteIDs))
	for i := range rows {
		rows[i] = [4]string{noteIDs[i], noteUsers[i], noteEvents[i], db.SQLiteTime(noteAts[i])}
	}
	list, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	if _, err := db.Exec(ctx, idb, `INSERT INTO notifications (id, user_id, event_id, created_at)
SELECT j.value->>0, j.value->>1, j.value->>2, j.value->>3 FROM json_each(?0) AS j`, string(list)); err != nil {
		return fmt.Errorf("notify of %d events: %w", len(rows), err)
	}
	return nil
}
