// Package events is SkillGrid's transactional outbox. A service that makes a
// change someone must hear about calls Record with the transaction making the
// change, so the event commits or rolls back with it. Notifications, e-mail,
// webhooks and the event log all read from what Record wrote.
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
)

// Types lists every event type, in PRODUCT.md's order.
var Types = []Type{
	EnrolmentCreated, EnrolmentPromoted, EnrolmentWithdrawn, EnrolmentCancelled,
	CohortChanged, CohortCancelled, SessionChanged, AttendanceAtRisk,
	ResultRecorded, CertificateIssued, CertificateRevoked,
	ContactRequestReceived, ContactRequestAccepted, ContactRequestDeclined,
	HireRecorded, CompanyApproved, CompanyRejected, DemandMatched,
	PasswordResetRequested,
}

// Event is one thing that happened.
type Event struct {
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
}

// Record writes evs through idb, which must be the transaction making the
// change they describe.
func Record(ctx context.Context, idb bun.IDB, evs ...Event) error {
	requestID := audit.RequestID(ctx)
	var rid *string
	if requestID != "" {
		rid = &requestID
	}
	for _, e := range evs {
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
		_, err = db.Exec(ctx, idb, `INSERT INTO events (id, type, subject, data_json, recipients_json, at, request_id)
VALUES (?0, ?1, ?2, ?3, ?4, ?5, ?6)`, ids.New(), string(e.Type), e.Subject, string(data), string(to), e.At.UTC(), rid)
		if err != nil {
			return fmt.Errorf("record %s event: %w", e.Type, err)
		}
	}
	return nil
}
