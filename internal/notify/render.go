// Package notify tells people what happened: the in-app notifications
// (written by events.Record with each event) and their texts, in the
// recipient's language, which e-mail uses too.
package notify

import (
	"encoding/json"
	"strconv"

	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/msg"
)

// texts are the title and body of each event type's notification.
var texts = map[events.Type][2]msg.ID{
	events.EnrolmentCreated:       {msg.NoteEnrolledTitle, msg.NoteEnrolledBody},
	events.EnrolmentPromoted:      {msg.NotePromotedTitle, msg.NotePromotedBody},
	events.EnrolmentWithdrawn:     {msg.NoteWithdrawnTitle, msg.NoteWithdrawnBody},
	events.EnrolmentCancelled:     {msg.NoteEnrolmentCancelledTitle, msg.NoteEnrolmentCancelledBody},
	events.CohortChanged:          {msg.NoteCohortChangedTitle, msg.NoteCohortChangedBody},
	events.CohortCancelled:        {msg.NoteCohortCancelledTitle, msg.NoteCohortCancelledBody},
	events.SessionChanged:         {msg.NoteSessionChangedTitle, msg.NoteSessionChangedBody},
	events.AttendanceAtRisk:       {msg.NoteAtRiskTitle, msg.NoteAtRiskBody},
	events.ResultRecorded:         {msg.NoteCompletedTitle, msg.NoteCompletedBody},
	events.CertificateIssued:      {msg.NoteCertificateIssuedTitle, msg.NoteCertificateIssuedBody},
	events.CertificateRevoked:     {msg.NoteCertificateRevokedTitle, msg.NoteCertificateRevokedBody},
	events.ContactRequestReceived: {msg.NoteContactReceivedTitle, msg.NoteContactReceivedBody},
	events.ContactRequestAccepted: {msg.NoteContactAcceptedTitle, msg.NoteContactAcceptedBody},
	events.ContactRequestDeclined: {msg.NoteContactDeclinedTitle, msg.NoteContactDeclinedBody},
	events.HireRecorded:           {msg.NoteHireTitle, msg.NoteHireBody},
	events.CompanyApproved:        {msg.NoteCompanyApprovedTitle, msg.NoteCompanyApprovedBody},
	events.CompanyRejected:        {msg.NoteCompanyRejectedTitle, msg.NoteCompanyRejectedBody},
	events.DemandMatched:          {msg.NoteDemandMatchedTitle, msg.NoteDemandMatchedBody},
	events.PasswordResetRequested: {msg.NoteResetTitle, msg.NoteResetBody},
	events.WebhookDisabled:        {msg.NoteWebhookDisabledTitle, msg.NoteWebhookDisabledBody},
}

// Render writes the title and body of an event's notification in l, its
// parameters taken from the event's data by name.
func Render(l msg.Lang, t events.Type, dataJSON string) (title, body string) {
	var data map[string]any
	_ = json.Unmarshal([]byte(dataJSON), &data) // Record wrote it; a non-object leaves the names unfilled
	ids, ok := texts[t]
	if !ok {
		return string(t), ""
	}
	// Two types read differently by outcome.
	switch {
	case t == events.EnrolmentCreated && data["status"] == "waitlisted":
		ids = [2]msg.ID{msg.NoteWaitlistedTitle, msg.NoteWaitlistedBody}
	case t == events.ResultRecorded && data["status"] == "failed":
		ids = [2]msg.ID{msg.NoteFailedTitle, msg.NoteFailedBody}
	}
	args := make([]any, 0, 2*len(data))
	for k, v := range data {
		args = append(args, k, plain(v))
	}
	return msg.Text(l, ids[0], args...), msg.Text(l, ids[1], args...)
}

// plain turns a JSON value into what msg formats: lists of text as lists,
// whole numbers without a fraction, null as nothing.
func plain(v any) any {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		if x == float64(int64(x)) {
			return strconv.FormatInt(int64(x), 10)
		}
		return x
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			s, _ := plain(e).(string)
			out[i] = s
		}
		return out
	}
	return v
}
