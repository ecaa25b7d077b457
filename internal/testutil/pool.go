package testutil

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
)

// Completion is a completed enrolment written by InsertCompletion, with the
// code of its valid certificate.
type Completion struct {
	EnrolmentID, CertificateCode string
}

// InsertCompletion brings in a completed enrolment of the trainee in the
// cohort (taking a seat, through the enrolment service's Backfill), its
// result recorded at `at`, and a valid certificate for it, straight into
// the database. It lets pool tests make graduates without recording
// results.
func (e *Env) InsertCompletion(cohortID, traineeID string, at time.Time) Completion {
	e.T.Helper()
	ctx := context.Background()
	at = at.UTC().Truncate(time.Microsecond)
	en, err := e.App.Enrolments.Backfill(ctx, "", cohortID, traineeID, "completed", at)
	if err != nil {
		e.T.Fatalf("insert completion: %v", err)
	}
	c := Completion{EnrolmentID: en.ID, CertificateCode: "SG-T" + strings.ToUpper(randomHex(8))}
	err = e.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var courseID string
		if err := tx.NewSelect().Table("cohorts").Column("course_id").Where("id = ?", cohortID).Scan(ctx, &courseID); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Table("enrolments").
			Set("attended_hours = ?", 40.0).Set("score = ?", 90.0).Set("result_recorded_at = ?", at).
			Where("id = ?", c.EnrolmentID).Exec(ctx); err != nil {
			return err
		}
		cert := map[string]any{
			"id": ids.New(), "code": c.CertificateCode, "enrolment_id": c.EnrolmentID, "trainee_id": traineeID,
			"course_id": courseID, "issued_at": at, "status": "valid",
		}
		_, err := tx.NewInsert().Model(&cert).Table("certificates").Exec(ctx)
		return err
	})
	if err != nil {
		e.T.Fatalf("insert completion: %v", err)
	}
	return c
}

// RevokeCertificate marks a certificate revoked straight in the database.
func (e *Env) RevokeCertificate(code string) {
	e.T.Helper()
	_, err := e.DB.NewUpdate().Table("certificates").Set("status = 'revoked'").Set("revoked_at = ?", e.Clock.Now()).
		Where("code = ?", code).Exec(context.Background())
	if err != nil {
		e.T.Fatalf("revoke certificate: %v", err)
	}
}

// UpdateTrainee changes a trainee's profile (consent included) through the
// account service, as PATCH /v1/me would.
func (e *Env) UpdateTrainee(traineeID string, p account.ProfilePatch) {
	e.T.Helper()
	if _, err := e.App.Accounts.UpdateMe(context.Background(), auth.Actor{ID: traineeID, Role: auth.Trainee}, p); err != nil {
		e.T.Fatalf("update trainee %s: %v", traineeID, err)
	}
}

// NewCompany makes a signed-in company account whose company is in the
// status: pending as registered, or approved or rejected by an admin.
func (e *Env) NewCompany(status string) User {
	e.T.Helper()
	ctx := context.Background()
	u := e.NewUser(auth.Company)
	if status == account.CompanyPending {
		return u
	}
	co, err := e.App.Accounts.CompanyOf(ctx, u.ID)
	if err != nil {
		e.T.Fatalf("company of %s: %v", u.ID, err)
	}
	admin := e.NewUser(auth.Admin)
	if _, err := e.App.Accounts.DecideCompany(ctx, auth.Actor{ID: admin.ID, Role: auth.Admin}, co.ID, status, "not verified"); err != nil {
		e.T.Fatalf("decide company: %v", err)
	}
	return u
}
