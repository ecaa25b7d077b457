package results

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/platform/page"
	"github.com/skillgrid/skillgrid/internal/platform/ratelimit"
)

// Levels reads a trainee's level per track (the catalogue provides it).
type Levels interface {
	TraineeLevels(ctx context.Context, idb bun.IDB, traineeID string) (map[string]int, error)
}

// Register computes attended hours from a cohort's register (the
// attendance work provides it): has is false for a cohort without
// sessions, whose results carry their hours.
type Register interface {
	RegisterHours(ctx context.Context, tx bun.IDB, cohortID string) (hours map[string]float64, has bool, err error)
}

// Service holds the rules of results and certificates.
type Service struct {
	DB       *bun.DB
	Store    Store
	Levels   Levels
	Register Register
	Lookups  ratelimit.Limiter // public certificate lookups per client address
	Now      func() time.Time
	// NewCode draws a certificate code: 80 random bits (newCode) unless a
	// test replaces it to make two codes collide.
	NewCode func() (string, error)
}

// New returns the results service over d: levels raise trainees' levels
// when they complete, register gives the hours of cohorts with sessions,
// lookups bound public certificate checks per address.
func New(d *bun.DB, levels Levels, register Register, lookups ratelimit.Limiter, now func() time.Time) *Service {
	return &Service{DB: d, Store: Store{}, Levels: levels, Register: register, Lookups: lookups, Now: now, NewCode: newCode}
}

// codeDraws bounds the draws of a certificate code: two collisions in a
// row at 80 random bits mean the generator is broken, not unlucky.
const codeDraws = 3

// Required is the attendance a course asks for, min_attendance × hours,
// rounded to a millionth of an hour: the product of two decimals is not
// exact in binary (0.55 × 12 is 6.6000000000000005), and a trainee who
// attended exactly the required hours passes. Only the product is rounded;
// the submitted hours and score are compared as given, so any value below
// the line fails.
func Required(minAttendance, hours float64) float64 {
	return math.Round(minAttendance*hours*1e6) / 1e6
}

// decide is the outcome that attendance and score earn in a course.
func decide(c cohortCourse, hours, score float64) string {
	if hours >= Required(c.MinAttendance, c.Hours) && score >= c.PassScore {
		return "completed"
	}
	return "failed"
}

// same reports whether the enrolment already holds exactly this result.
func (e enrolment) same(r Row, status string) bool {
	return e.Status == status && e.AttendedHours != nil && *e.AttendedHours == *r.AttendedHours &&
		e.Score != nil && *e.Score == r.Score
}

// Record applies a batch of results to a cohort's enrolments: all of them
// or none. Every bad row is named at once. The cohort's instructor records
// results once; an admin may correct them with a reason. Completion issues
// a certificate in the same transaction; a correction to failed revokes it,
// and one that keeps the enrolment completed leaves it as it is.
func (s *Service) Record(ctx context.Context, actor auth.Actor, cohortID string, b Batch) (Summary, error) {
	if !ids.Valid(cohortID) {
		return Summary{}, apperr.NotFound(msg.NotFoundCohort)
	}
	out := Summary{CohortID: cohortID, Results: []Outcome{}}
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		now := s.Now()
		c, err := s.Store.lockCohort(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		if !actor.Oversees(c.InstructorID) {
			return apperr.NotFound(msg.NotFoundCohort)
		}
		if c.CancelledAt != nil {
			return apperr.Conflict("cohort_cancelled", msg.ResultsCohortCancelled)
		}
		if catalogue.Today(now) < c.StartsOn {
			return apperr.Conflict("cohort_not_started", msg.ResultsNotStarted, "date", c.StartsOn)
		}
		idsIn := make([]string, len(b.Rows))
		for i, r := range b.Rows {
			idsIn[i] = r.EnrolmentID
		}
		es, err := s.Store.enrolments(ctx, tx, idsIn)
		if err != nil {
			return err
		}
		registered, kept, err := s.Register.RegisterHours(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		b, err := withHours(b, registered, kept)
		if err != nil {
			return err
		}
		unchanged, err := s.check(actor, c, b, es)
		if err != nil {
			return err
		}
		// InTx may run this again: the outcomes are gathered here and set
		// on out whole, never appended to it.
		outcomes := make([]Outcome, 0, len(b.Rows))
		for i, r := range b.Rows {
			apply := s.apply
			if unchanged[i] {
				apply = s.keep
			}
			o, err := apply(ctx, tx, actor, c, es[r.EnrolmentID], r, b.CorrectionReason, now)
			if err != nil {
				return err
			}
			outcomes = append(outcomes, o)
		}
		out.Results = outcomes
		return nil
	})
	return out, err
}

// check validates the whole batch before anything is applied, naming every
// bad field of every row at once (the values are checked here rather than
// at the HTTP edge so that one 422 names them together with the rows only
// the database can judge). It reports the rows an admin re-sent exactly as
// recorded: those are left alone, need no correction reason and are not
// audited, so a retried submission is harmless.
func (s *Service) check(actor auth.Actor, c cohortCourse, b Batch, es map[string]enrolment) (map[int]bool, error) {
	var bad []apperr.FieldError
	var final []string
	seen := map[string]int{}
	unchanged := map[int]bool{}
	corrects := false
	for i, r := range b.Rows {
		at := func(f string) string { return fmt.Sprintf("results[%d].%s", i, f) }
		e, ok := es[r.EnrolmentID]
		j, dup := seen[r.EnrolmentID]
		switch {
		case dup:
			bad = append(bad, apperr.Field(at("enrolment_id"), msg.ResultRepeats, "index", j))
		case !ok || e.CohortID != c.ID:
			bad = append(bad, apperr.Field(at("enrolment_id"), msg.NotEnrolmentOfCohort))
		case e.Status == "completed" || e.Status == "failed":
			switch {
			case actor.Role != auth.Admin:
				final = append(final, fmt.Sprintf("results[%d]", i))
			case e.same(r, decide(c, *r.AttendedHours, r.Score)):
				unchanged[i] = true
			default:
				corrects = true
			}
		case e.Status != "enrolled":
			bad = append(bad, apperr.Field(at("enrolment_id"), msg.ResultForStatus, "status", e.Status))
		}
		if !dup {
			seen[r.EnrolmentID] = i
		}
		switch {
		case *r.AttendedHours < 0:
			bad = append(bad, apperr.Field(at("attended_hours"), msg.FieldMin, "min", 0))
		case *r.AttendedHours > c.Hours && !b.fromRegister:
			bad = append(bad, apperr.Field(at("attended_hours"), msg.HoursAboveCourse, "hours", c.Hours))
		}
		if r.Score < 0 || r.Score > 100 {
			bad = append(bad, apperr.Field(at("score"), msg.FieldBetween, "min", 0, "max", 100))
		}
	}
	if len(final) > 0 {
		return nil, apperr.Conflict("result_final", msg.ResultFinal, "rows", final)
	}
	if corrects && strings.TrimSpace(b.CorrectionReason) == "" {
		bad = append(bad, apperr.Field("correction_reason", msg.CorrectionReasonRequired))
	}
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad...)
	}
	return unchanged, nil
}

// withHours gives every row its hours: the register's for a cohort that
// keeps one (a row that sends its own is refused), the row's own otherwise
// (where they are required). Every bad row is named at once.
func withHours(b Batch, registered map[string]float64, kept bool) (Batch, error) {
	var bad []apperr.FieldError
	rows := make([]Row, len(b.Rows))
	for i, r := range b.Rows {
		at := fmt.Sprintf("results[%d].attended_hours", i)
		switch {
		case kept && r.AttendedHours != nil:
			bad = append(bad, apperr.Field(at, msg.HoursFromRegister))
		case kept:
			h := registered[r.EnrolmentID]
			r.AttendedHours = &h
		case r.AttendedHours == nil:
			bad = append(bad, apperr.Field(at, msg.FieldRequired))
		}
		rows[i] = r
	}
	if len(bad) > 0 {
		return b, apperr.Invalid(bad...)
	}
	b.Rows, b.fromRegister = rows, kept
	return b, nil
}

// keep answers a row an admin re-sent unchanged: nothing is written.
func (s *Service) keep(ctx context.Context, tx bun.Tx, _ auth.Actor, _ cohortCourse, e enrolment, r Row, _ string, _ time.Time) (Outcome, error) {
	o := Outcome{EnrolmentID: e.ID, TraineeID: e.TraineeID, Status: e.Status, AttendedHours: *r.AttendedHours, Score: r.Score}
	cert, has, err := s.Store.validCertificateOf(ctx, tx, e.ID)
	if err != nil {
		return o, err
	}
	if has {
		o.CertificateCode = &cert.Code
	}
	return o, nil
}

func (s *Service) apply(ctx context.Context, tx bun.Tx, actor auth.Actor, c cohortCourse, e enrolment, r Row, reason string, now time.Time) (Outcome, error) {
	status := decide(c, *r.AttendedHours, r.Score)
	o := Outcome{EnrolmentID: e.ID, TraineeID: e.TraineeID, Status: status, AttendedHours: *r.AttendedHours, Score: r.Score}
	before := outcome{Status: e.Status, AttendedHours: e.AttendedHours, Score: e.Score}
	o.Corrected = e.Status == "completed" || e.Status == "failed"
	// The result's time is when the enrolment reached its outcome: the
	// graduate pool orders and shows completions by it, so a correction
	// that keeps the outcome (a score fixed) keeps the time; the audit
	// event below records when the correction was made.
	if err := s.Store.setResult(ctx, tx, e.ID, status, *r.AttendedHours, r.Score, e.Status != status, now); err != nil {
		return o, err
	}
	after := outcome{Status: status, AttendedHours: r.AttendedHours, Score: &r.Score}
	action := "result.recorded"
	if o.Corrected {
		action, after.Reason = "result.corrected", reason
	}
	// Before is the enrolment as it stood: enrolled with no result for a
	// first result, the previous outcome for a correction.
	if err := audit.Record(ctx, tx, now, audit.Change{
		ActorID: actor.ID, Action: action, Entity: "enrolment", EntityID: e.ID, Before: before, After: after,
	}); err != nil {
		return o, err
	}
	cert, has, err := s.Store.validCertificateOf(ctx, tx, e.ID)
	if err != nil {
		return o, err
	}
	// A certificate is issued only when the enrolment moves into completed.
	// A correction that keeps it completed leaves the certificate as it
	// is: one an admin revoked (for fraud, say) stays revoked.
	switch {
	case status == "completed" && e.Status != "completed" && !has:
		if cert, err = s.issueCertificate(ctx, tx, Certificate{
			ID: ids.New(), EnrolmentID: e.ID, TraineeID: e.TraineeID, CourseID: c.CourseID, IssuedAt: now, Status: Valid,
		}); err != nil {
			return o, err
		}
		if err := audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "certificate.issued", Entity: "certificate", EntityID: cert.ID,
			After: map[string]any{"code": cert.Code, "status": Valid, "enrolment_id": e.ID},
		}); err != nil {
			return o, err
		}
		o.CertificateCode = &cert.Code
	case status == "completed":
		if has {
			o.CertificateCode = &cert.Code
		}
	case has: // corrected to failed
		why := "result corrected to failed: " + strings.TrimSpace(reason)
		if err := s.revoke(ctx, tx, actor, cert, why, now); err != nil {
			return o, err
		}
	}
	return o, nil
}

func (s *Service) revoke(ctx context.Context, tx bun.IDB, actor auth.Actor, c Certificate, reason string, now time.Time) error {
	ok, err := s.Store.revoke(ctx, tx, c.ID, reason, actor.ID, now)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.Conflict("certificate_revoked", msg.CertificateRevoked)
	}
	return audit.Record(ctx, tx, now, audit.Change{
		ActorID: actor.ID, Action: "certificate.revoked", Entity: "certificate", EntityID: c.ID,
		Before: map[string]any{"status": Valid}, After: map[string]any{"status": Revoked, "reason": reason},
	})
}

// Revoke is an admin revoking a certificate, with a reason.
func (s *Service) Revoke(ctx context.Context, actor auth.Actor, code, reason string) (Certificate, error) {
	canon, ok := NormaliseCode(code)
	if !ok {
		return Certificate{}, apperr.NotFound(msg.NotFoundCertificate)
	}
	var out Certificate
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		c, err := s.Store.byCode(ctx, tx, canon)
		if err != nil {
			return err
		}
		if err := s.revoke(ctx, tx, actor, c, strings.TrimSpace(reason), s.Now()); err != nil {
			return err
		}
		out, err = s.Store.byCode(ctx, tx, canon)
		return err
	})
	return out, err
}

// Verify is the public check of a certificate, limited per client address.
func (s *Service) Verify(ctx context.Context, code, addr string) (Verification, error) {
	if err := s.Lookups.Hit(ctx, addr, s.Now()); err != nil {
		return Verification{}, err
	}
	canon, ok := NormaliseCode(code)
	if !ok {
		return Verification{}, apperr.NotFound(msg.NotFoundCertificate)
	}
	c, err := s.Store.byCode(ctx, s.DB, canon)
	if err != nil {
		return Verification{}, err
	}
	v := Verification{
		Code: c.Code, TraineeName: c.TraineeName, CourseCode: c.CourseCode, CourseTitle: c.CourseTitle,
		Track: c.Track, Level: c.Level, Hours: c.Hours, IssuedOn: catalogue.Today(c.IssuedAt), Status: c.Status,
	}
	if c.RevokedAt != nil {
		d := catalogue.Today(*c.RevokedAt)
		v.RevokedOn = &d
	}
	return v, nil
}

// Mine pages the trainee's certificates, newest first.
func (s *Service) Mine(ctx context.Context, actor auth.Actor, p page.Params) (page.Page[Certificate], error) {
	if _, err := page.Key(p.After, 1); err != nil {
		return page.Page[Certificate]{}, err
	}
	cs, err := s.Store.certificatesOf(ctx, s.DB, actor.ID, p)
	if err != nil {
		return page.Page[Certificate]{}, err
	}
	for i := range cs {
		cs[i].IssuedAt = cs[i].IssuedAt.UTC()
	}
	return page.Build(cs, p.Limit, func(c Certificate) []string { return []string{c.ID} }), nil
}

// Transcript is the trainee's whole record and the levels it reached.
func (s *Service) Transcript(ctx context.Context, actor auth.Actor) (Transcript, error) {
	name, email, err := s.Store.trainee(ctx, s.DB, actor.ID)
	if err != nil {
		return Transcript{}, err
	}
	entries, err := s.Store.transcript(ctx, s.DB, actor.ID)
	if err != nil {
		return Transcript{}, err
	}
	levels, err := s.Levels.TraineeLevels(ctx, s.DB, actor.ID)
	if err != nil {
		return Transcript{}, err
	}
	return Transcript{TraineeID: actor.ID, Name: name, Email: email, Levels: levels, Entries: entries}, nil
}

// issueCertificate writes cert with a fresh code, drawing again if the code
// is already taken.
func (s *Service) issueCertificate(ctx context.Context, tx bun.IDB, cert Certificate) (Certificate, error) {
	for i := 0; i < codeDraws; i++ {
		code, err := s.NewCode()
		if err != nil {
			return cert, err
		}
		cert.Code = code
		ok, err := s.Store.insertCertificate(ctx, tx, &cert)
		if err != nil || ok {
			return cert, err
		}
	}
	return cert, fmt.Errorf("issue certificate: %d codes in a row were taken", codeDraws)
}
