package notify

import (
	"strings"
	"testing"

	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/msg"
)

// samples are payloads as the services write them, one per type.
var samples = map[events.Type]string{
	events.EnrolmentCreated:       `{"status":"enrolled","course":"BMS-301","cohort":"2기"}`,
	events.EnrolmentPromoted:      `{"status":"enrolled","course":"BMS-301","cohort":"2기"}`,
	events.EnrolmentWithdrawn:     `{"status":"withdrawn","course":"BMS-301","cohort":"2기"}`,
	events.EnrolmentCancelled:     `{"status":"cancelled","course":"BMS-301","cohort":"2기"}`,
	events.CohortChanged:          `{"cohort":"2기","starts_on":"2027-03-02","ends_on":"2027-04-30","changes":["starts_on","location"]}`,
	events.CohortCancelled:        `{"cohort":"2기","starts_on":"2027-03-02","ends_on":"2027-04-30"}`,
	events.SessionChanged:         `{}`,
	events.AttendanceAtRisk:       `{}`,
	events.ResultRecorded:         `{"course":"BMS-301","status":"completed","score":90,"attended_hours":38.5}`,
	events.CertificateIssued:      `{"course":"BMS-301","code":"SG-ABCD"}`,
	events.CertificateRevoked:     `{"course":"BMS-301","code":"SG-ABCD","reason":"부정 행위"}`,
	events.ContactRequestReceived: `{"company":"한빛셀"}`,
	events.ContactRequestAccepted: `{"company":"한빛셀"}`,
	events.ContactRequestDeclined: `{"company":"한빛셀"}`,
	events.HireRecorded:           `{"company":"한빛셀","position":"셀 엔지니어","hired_on":"2026-12-01"}`,
	events.CompanyApproved:        `{"company":"한빛셀","reason":null}`,
	events.CompanyRejected:        `{"company":"한빛셀","reason":"확인 불가"}`,
	events.DemandMatched:          `{}`,
	events.PasswordResetRequested: `{}`,
	events.WebhookDisabled:        `{"url":"https://hooks.example.kr/x"}`,
}

// Every type has texts in both languages, and the payload its service
// writes fills every parameter they name.
func TestEveryTypeRendersInBothLanguages(t *testing.T) {
	t.Parallel()
	for _, typ := range events.Types {
		data, ok := samples[typ]
		if !ok {
			t.Errorf("%s: no sample", typ)
			continue
		}
		for _, l := range []msg.Lang{msg.English, msg.Korean} {
			title, body := Render(l, typ, data)
			if title == "" || body == "" || strings.ContainsAny(title+body, "{}") || title == string(typ) {
				t.Errorf("%s in %s: %q / %q", typ, l, title, body)
			}
		}
	}
	if title, body := Render(msg.Korean, events.EnrolmentCreated, `{"status":"waitlisted","course":"BMS-301","cohort":"2기","waitlist_position":3}`); title != "대기자 등록: BMS-301" || !strings.Contains(body, "3번") {
		t.Errorf("waitlisted: %q / %q", title, body)
	}
	if _, body := Render(msg.English, events.ResultRecorded, `{"course":"BMS-301","status":"failed","score":40,"attended_hours":38.5}`); body != "You did not complete BMS-301: a score of 40 and 38.5 hours attended." {
		t.Errorf("failed: %q", body)
	}
}
