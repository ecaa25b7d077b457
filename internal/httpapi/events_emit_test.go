package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// eventCounter tells what events a step recorded: the events committed
// since the last look, as type -> recipients.
type eventCounter struct {
	t    *testing.T
	e    *testutil.Env
	seen map[string]bool
}

func newEventCounter(t *testing.T, e *testutil.Env) *eventCounter {
	c := &eventCounter{t: t, e: e, seen: map[string]bool{}}
	c.since()
	return c
}

// since returns the events recorded since the last call, by type, each
// with its recipients.
func (c *eventCounter) since() map[string][][]string {
	c.t.Helper()
	var rows []struct {
		ID         string `bun:"id"`
		Type       string `bun:"type"`
		Recipients string `bun:"recipients_json"`
	}
	if err := db.Query(context.Background(), c.e.DB, &rows, `SELECT id, type, recipients_json FROM events ORDER BY id`); err != nil {
		c.t.Fatal(err)
	}
	out := map[string][][]string{}
	for _, r := range rows {
		if c.seen[r.ID] {
			continue
		}
		c.seen[r.ID] = true
		var to []string
		if err := json.Unmarshal([]byte(r.Recipients), &to); err != nil {
			c.t.Fatal(err)
		}
		out[r.Type] = append(out[r.Type], to)
	}
	return out
}

// want checks that the step just taken recorded exactly these events.
func (c *eventCounter) want(step string, want map[string][][]string) {
	c.t.Helper()
	if diff := cmp.Diff(want, c.since()); diff != "" {
		c.t.Errorf("%s: events (-want +got):\n%s", step, diff)
	}
}

// Every change of the existing features that someone must hear about
// records exactly one event per thing that happened, in its transaction,
// told to the people PRODUCT.md names; a refused change records none.
func TestEveryCommittedChangeRecordsItsEventsOnce(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.AdminToken()
		ev := newEventCounter(t, e)
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 1})
		ev.want("cohort created", map[string][][]string{})
		t1, t2 := e.NewUser(auth.Trainee), e.NewUser(auth.Trainee)

		first := enrol(t, e, c.ID, t1, http.StatusCreated)
		ev.want("enrolled", map[string][][]string{"enrolment.created": {{t1.ID}}})
		second := enrol(t, e, c.ID, t2, http.StatusCreated)
		ev.want("waitlisted", map[string][][]string{"enrolment.created": {{t2.ID}}})
		enrol(t, e, c.ID, t2, http.StatusOK)
		ev.want("enrol again", map[string][][]string{})

		e.Post("/v1/enrolments/"+first.ID+"/withdraw", t1.Token, nil).Want(t, http.StatusOK)
		ev.want("withdrawn", map[string][][]string{"enrolment.withdrawn": {{t1.ID}}, "enrolment.promoted": {{t2.ID}}})
		e.Post("/v1/enrolments/"+first.ID+"/withdraw", t1.Token, nil).WantProblem(t, http.StatusConflict, "not_active")
		ev.want("withdrawn again (refused)", map[string][][]string{})

		e.Patch("/v1/cohorts/"+c.ID, admin, map[string]any{"label": "새 이름"}).Want(t, http.StatusOK)
		ev.want("label changed", map[string][][]string{})
		e.Patch("/v1/cohorts/"+c.ID, admin, map[string]any{"location": "청주 오창캠퍼스 201호"}).Want(t, http.StatusOK)
		ev.want("place changed", map[string][][]string{"cohort.changed": {{c.Instructor.ID}}})

		e.Clock.Advance(8 * 24 * time.Hour)
		res := record(t, e, c.ID, c.Instructor.Token, row(second.ID, 40, 90))
		ev.want("result", map[string][][]string{"result.recorded": {{t2.ID}}, "certificate.issued": {{t2.ID}}})
		e.Post("/v1/certificates/"+*res[0].CertificateCode+"/revoke", admin, map[string]any{"reason": "부정 행위"}).Want(t, http.StatusOK)
		ev.want("revoked", map[string][][]string{"certificate.revoked": {{t2.ID}}})

		// A cohort cancelled with a trainee in it.
		other := e.OpenCohort(testutil.CohortSpec{Capacity: 3})
		t3 := e.NewUser(auth.Trainee)
		enrol(t, e, other.ID, t3, http.StatusCreated)
		ev.since()
		e.Post("/v1/cohorts/"+other.ID+"/cancel", admin, nil).Want(t, http.StatusOK)
		ev.want("cohort cancelled", map[string][][]string{"cohort.cancelled": {{other.Instructor.ID}}, "enrolment.cancelled": {{t3.ID}}})

		// Companies.
		pending, rejected := e.NewUser(auth.Company), e.NewUser(auth.Company)
		for _, p := range []struct {
			u      testutil.User
			action string
			body   any
			typ    string
		}{{pending, "approve", nil, "company.approved"}, {rejected, "reject", map[string]any{"reason": "사업자 확인 불가"}, "company.rejected"}} {
			co, err := e.App.Accounts.CompanyOf(context.Background(), p.u.ID)
			if err != nil {
				t.Fatal(err)
			}
			e.Post("/v1/companies/"+co.ID+"/"+p.action, admin, p.body).Want(t, http.StatusOK)
			ev.want(p.action, map[string][][]string{p.typ: {{p.u.ID}}})
		}

		// Contact requests and a hire.
		g, _ := graduate(t, e, e.OpenCohort(testutil.CohortSpec{}).ID, e.Clock.Now())
		co, rival := e.NewCompany(account.CompanyApproved), e.NewCompany(account.CompanyApproved)
		ev.since()
		var sv, rv sentView
		e.Post("/v1/graduates/"+g.ID+"/contact-requests", co.Token, map[string]any{"message": "연락 부탁드립니다"}).Want(t, http.StatusCreated).JSON(t, &sv)
		ev.want("contact request", map[string][][]string{"contact_request.received": {{g.ID}}})
		e.Post("/v1/contact-requests/"+sv.ID+"/accept", g.Token, nil).Want(t, http.StatusOK)
		ev.want("accepted", map[string][][]string{"contact_request.accepted": {{co.ID}}})
		e.Post("/v1/contact-requests/"+sv.ID+"/hire", co.Token, map[string]any{"position": "셀 엔지니어", "hired_on": "2026-12-01"}).Want(t, http.StatusCreated)
		ev.want("hired", map[string][][]string{"hire.recorded": {{g.ID}}})
		e.Post("/v1/graduates/"+g.ID+"/contact-requests", rival.Token, map[string]any{"message": "저희도"}).Want(t, http.StatusCreated).JSON(t, &rv)
		e.Post("/v1/contact-requests/"+rv.ID+"/decline", g.Token, nil).Want(t, http.StatusOK)
		ev.want("declined", map[string][][]string{"contact_request.received": {{g.ID}}, "contact_request.declined": {{rival.ID}}})

		// A password reset, for an account and for nobody.
		e.Post("/v1/auth/password-reset", "", map[string]any{"email": t1.Email}).Want(t, http.StatusAccepted)
		ev.want("reset", map[string][][]string{"password.reset_requested": {{t1.ID}}})
		e.Post("/v1/auth/password-reset", "", map[string]any{"email": "nobody@example.kr"}).Want(t, http.StatusAccepted)
		ev.want("reset of nobody", map[string][][]string{})
	})
}

// A change whose transaction rolls back leaves no event, and none of its
// notifications.
func TestRolledBackChangeLeavesNoEvent(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 3})
		u := e.NewUser(auth.Trainee)
		en := enrol(t, e, c.ID, u, http.StatusCreated)
		ev := newEventCounter(t, e)
		notes := countRows(t, e, "notifications", "1 = 1")
		boom := errors.New("boom")
		err := db.InTx(context.Background(), e.DB, func(ctx context.Context, tx bun.Tx) error {
			if err := e.App.Enrolments.CohortCancelled(ctx, tx, "", c.ID, e.Clock.Now()); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("cancel: %v", err)
		}
		ev.want("rolled back", map[string][][]string{})
		if n := countRows(t, e, "notifications", "1 = 1"); n != notes {
			t.Fatalf("notifications %d, want %d", n, notes)
		}
		if got := getEnrolment(t, e, en.ID, u.Token); got.Status != "enrolled" {
			t.Fatalf("enrolment %s after a rollback", got.Status)
		}
		// The same change committed records its event once.
		if err := db.InTx(context.Background(), e.DB, func(ctx context.Context, tx bun.Tx) error {
			return e.App.Enrolments.CohortCancelled(ctx, tx, "", c.ID, e.Clock.Now())
		}); err != nil {
			t.Fatal(err)
		}
		ev.want("committed", map[string][][]string{"enrolment.cancelled": {{u.ID}}})
	})
}
