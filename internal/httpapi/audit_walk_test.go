package httpapi_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// TestEveryAuditedActionLeavesOneEvent walks each change the product rules say is
// audited and finds exactly one event for it, by the right actor, with the
// state before (where there was one) and after.
func TestEveryAuditedActionLeavesOneEvent(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.NewUser(auth.Admin)
		// one finds the single event of action on entityID and checks it.
		one := func(action, entityID, actorID string, wantBefore bool) {
			t.Helper()
			var pg struct {
				Items []struct {
					ActorID *string        `json:"actor_id"`
					Before  map[string]any `json:"before"`
					After   map[string]any `json:"after"`
				} `json:"items"`
			}
			e.Get("/v1/audit-events?action="+action+"&entity_id="+entityID, admin.Token).Want(t, http.StatusOK).JSON(t, &pg)
			if len(pg.Items) != 1 {
				t.Fatalf("%s on %s: %d events, want 1", action, entityID, len(pg.Items))
			}
			ev := pg.Items[0]
			if ev.ActorID == nil || *ev.ActorID != actorID {
				t.Errorf("%s: actor %v, want %s", action, ev.ActorID, actorID)
			}
			if ev.After == nil || (wantBefore && ev.Before == nil) {
				t.Errorf("%s: before %v after %v", action, ev.Before, ev.After)
			}
		}

		// Company approval and rejection.
		co := e.NewUser(auth.Company)
		var me struct {
			Company struct {
				ID string `json:"id"`
			} `json:"company"`
		}
		e.Get("/v1/me", co.Token).Want(t, http.StatusOK).JSON(t, &me)
		e.Post("/v1/companies/"+me.Company.ID+"/reject", admin.Token, map[string]any{"reason": "서류 미비"}).Want(t, http.StatusOK)
		one("company.rejected", me.Company.ID, admin.ID, true)
		e.Post("/v1/companies/"+me.Company.ID+"/approve", admin.Token, nil).Want(t, http.StatusOK)
		one("company.approved", me.Company.ID, admin.ID, true)

		// User deactivation.
		gone := e.NewUser(auth.Instructor)
		e.Patch("/v1/users/"+gone.ID, admin.Token, map[string]any{"active": false}).Want(t, http.StatusOK)
		one("user.deactivated", gone.ID, admin.ID, true)
		e.Patch("/v1/users/"+gone.ID, admin.Token, map[string]any{"active": true}).Want(t, http.StatusOK)
		one("user.reactivated", gone.ID, admin.ID, true)

		// Password change by the user, and reset with a token.
		pw := e.NewUser(auth.Trainee)
		e.Post("/v1/me/password", pw.Token, map[string]any{"current_password": testutil.Password, "new_password": "changed-password-1"}).
			Want(t, http.StatusNoContent)
		one("user.password_changed", pw.ID, pw.ID, false)
		token, err := e.App.Auth.RequestReset(t.Context(), pw.Email, "192.0.2.9")
		if err != nil {
			t.Fatal(err)
		}
		e.Post("/v1/auth/password-reset/confirm", "", map[string]any{"token": token, "new_password": "changed-password-2"}).
			Want(t, http.StatusNoContent)
		one("user.password_reset", pw.ID, pw.ID, false)

		// Consent.
		u := e.NewUser(auth.Trainee)
		e.Patch("/v1/me", u.Token, map[string]any{"pool_opt_in": true}).Want(t, http.StatusOK)
		one("consent.changed", u.ID, u.ID, true)

		// Placement.
		var pl struct {
			ID string `json:"id"`
		}
		e.Post("/v1/trainees/"+u.ID+"/placements", admin.Token, map[string]any{"track": "recycling", "level": 1, "reason": "경력 인정"}).
			Want(t, http.StatusCreated).JSON(t, &pl)
		one("placement.created", pl.ID, admin.ID, true)

		// Enrolment states: enrolled, waitlisted, withdrawn, promoted, cancelled.
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 1})
		v1 := enrol(t, e, c.ID, u, http.StatusCreated)
		one("enrolment.enrolled", v1.ID, u.ID, false)
		w := e.NewUser(auth.Trainee)
		v2 := enrol(t, e, c.ID, w, http.StatusCreated)
		one("enrolment.waitlisted", v2.ID, w.ID, false)
		e.Post("/v1/enrolments/"+v1.ID+"/withdraw", u.Token, nil).Want(t, http.StatusOK)
		one("enrolment.withdrawn", v1.ID, u.ID, true)
		one("enrolment.promoted", v2.ID, u.ID, true)
		// Raising a full cohort's capacity promotes its waitlist head.
		full := e.OpenCohort(testutil.CohortSpec{Capacity: 1})
		enrol(t, e, full.ID, e.NewUser(auth.Trainee), http.StatusCreated)
		waiting := enrol(t, e, full.ID, e.NewUser(auth.Trainee), http.StatusCreated)
		e.Patch("/v1/cohorts/"+full.ID, admin.Token, map[string]any{"capacity": 2}).Want(t, http.StatusOK)
		one("cohort.updated", full.ID, admin.ID, true)
		one("enrolment.promoted", waiting.ID, admin.ID, true)
		other := e.OpenCohort(testutil.CohortSpec{})
		v3 := enrol(t, e, other.ID, u, http.StatusCreated)
		e.Post("/v1/cohorts/"+other.ID+"/cancel", admin.Token, nil).Want(t, http.StatusOK)
		one("enrolment.cancelled", v3.ID, admin.ID, true)

		// Results, corrections and certificates.
		e.Clock.Advance(8 * 24 * time.Hour)
		res := record(t, e, c.ID, c.Instructor.Token, row(v2.ID, 40, 90))
		one("result.recorded", v2.ID, c.Instructor.ID, true)
		var cert struct {
			ID string `bun:"id"`
		}
		if err := e.DB.NewSelect().Table("certificates").Column("id").Where("code = ?", *res[0].CertificateCode).Scan(t.Context(), &cert); err != nil {
			t.Fatal(err)
		}
		one("certificate.issued", cert.ID, c.Instructor.ID, false)
		e.Post("/v1/cohorts/"+c.ID+"/results", admin.Token, map[string]any{
			"results": []any{row(v2.ID, 40, 95)}, "correction_reason": "채점 오류 (marking error)",
		}).Want(t, http.StatusOK)
		one("result.corrected", v2.ID, admin.ID, true)
		e.Post("/v1/certificates/"+*res[0].CertificateCode+"/revoke", admin.Token, map[string]any{"reason": "확인 필요"}).Want(t, http.StatusOK)
		one("certificate.revoked", cert.ID, admin.ID, true)

		// Contact requests and hires (w completed above; now opts in).
		e.Patch("/v1/me", w.Token, map[string]any{"pool_opt_in": true}).Want(t, http.StatusOK)
		var cr, cr2, hire struct {
			ID string `json:"id"`
		}
		e.Post("/v1/graduates/"+w.ID+"/contact-requests", co.Token, map[string]any{"message": "채용 면담 요청"}).
			Want(t, http.StatusCreated).JSON(t, &cr)
		one("contact_request.created", cr.ID, co.ID, false)
		e.Post("/v1/contact-requests/"+cr.ID+"/decline", w.Token, nil).Want(t, http.StatusOK)
		one("contact_request.declined", cr.ID, w.ID, true)
		e.Post("/v1/graduates/"+w.ID+"/contact-requests", co.Token, map[string]any{"message": "다시 연락드립니다"}).
			Want(t, http.StatusCreated).JSON(t, &cr2)
		e.Post("/v1/contact-requests/"+cr2.ID+"/accept", w.Token, nil).Want(t, http.StatusOK)
		one("contact_request.accepted", cr2.ID, w.ID, true)
		e.Post("/v1/contact-requests/"+cr2.ID+"/hire", co.Token, map[string]any{"position": "품질 엔지니어", "hired_on": "2027-01-04"}).
			Want(t, http.StatusCreated).JSON(t, &hire)
		one("hire.created", hire.ID, co.ID, false)
	})
}
