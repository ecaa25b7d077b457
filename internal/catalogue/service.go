package catalogue

import (
	"context"
	"errors"
	"regexp"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/platform/fresh"
)

// EnrolmentHooks is how the enrolment work acts on a cohort change inside
// the catalogue's transaction. The Service cannot work without it: New
// refuses a nil one.
type EnrolmentHooks interface {
	// CapacityRaised moves the head of the waitlist into the seats a raised
	// capacity made, in arrival order.
	CapacityRaised(ctx context.Context, tx bun.IDB, actorID, cohortID string, now time.Time) error
	// CohortCancelled cancels the cohort's active enrolments.
	CohortCancelled(ctx context.Context, tx bun.IDB, actorID, cohortID string, now time.Time) error
}

// Service holds the rules of the catalogue. Make it with New.
type Service struct {
	Eligibility
	DB    *bun.DB
	Store Store
	Now   func() time.Time
	// enrolments acts on a cohort's enrolments when the cohort changes.
	enrolments EnrolmentHooks
	// versions reads the catalogue's change counter for Version.
	versions *fresh.Reader[int64]
}

// New is the catalogue's service over d with the clock now. Cancelling a
// cohort cancels its enrolments and raising its capacity seats its
// waitlist, through enrolments, in the catalogue's transaction; the
// enrolment work, which checks eligibility through an Eligibility (no
// Service needed), is made first and passed here. Every argument is
// required.
func New(d *bun.DB, now func() time.Time, enrolments EnrolmentHooks) (*Service, error) {
	if d == nil || now == nil || enrolments == nil {
		return nil, errors.New("catalogue.New: the database, the clock and the enrolment hooks are required")
	}
	s := &Service{DB: d, Now: now, enrolments: enrolments}
	s.versions = fresh.New(func(ctx context.Context) (int64, error) { return s.Store.version(ctx, d) }, 10*time.Second)
	return s, nil
}

// The forms of codes: lower-case words joined by hyphens for tracks,
// upper-case ones for courses.
var (
	trackCodeRe  = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	courseCodeRe = regexp.MustCompile(`^[A-Z0-9]+(-[A-Z0-9]+)*$`)
)

// dedupe keeps the first of each value, in order.
func dedupe(in []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
