package catalogue

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// Version is the catalogue's change counter as it stands now, read so that
// every change committed before the call is counted (a read that began
// after the call, shared by the requests that arrived together: see
// fresh.Reader). Whatever was read of the catalogue under one version may
// be reused while the version stays the same; seat counts excepted, which
// change without it (see SeatsMaxAge).
func (s *Service) Version(ctx context.Context) (int64, error) {
	return s.versions.Get(ctx)
}

// SeatsMaxAge is how long a cohort read may be reused: its seats_taken,
// seats_left and waitlist_length change with every enrolment, which does
// not bump the version (a rush would then invalidate every cached read
// many times a second), so they may be this old at most.
const SeatsMaxAge = time.Second

// NextChange is the first moment after now at which the derived status of
// one of the cohorts changes (its window opens or closes, its first day
// begins, its last day ends), or the zero time if none will: a cached
// answer holding them is good until then.
func NextChange(cohorts []Cohort, now time.Time) time.Time {
	var next time.Time
	take := func(t time.Time) {
		if t.After(now) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for _, c := range cohorts {
		if c.CancelledAt != nil {
			continue
		}
		take(c.EnrolOpensAt)
		take(c.EnrolClosesAt)
		if t, err := DayStart(c.StartsOn); err == nil {
			take(t)
		}
		if t, err := DayStart(c.EndsOn); err == nil {
			take(t.AddDate(0, 0, 1))
		}
	}
	return next
}

// version reads the counter: one primary-key read, prepared once per
// connection.
func (s Store) version(ctx context.Context, idb bun.IDB) (int64, error) {
	var v []int64
	if err := db.Query(ctx, idb, &v, `SELECT version FROM catalogue_versions WHERE id = 1`); err != nil {
		return 0, fmt.Errorf("read the catalogue version: %w", err)
	}
	if len(v) != 1 {
		return 0, fmt.Errorf("read the catalogue version: %d rows", len(v))
	}
	return v[0], nil
}

// bumpVersion counts a change of the catalogue, in the transaction that
// makes it, so that no process reuses what it read before the change once
// the change is committed.
func (s Store) bumpVersion(ctx context.Context, idb bun.IDB) error {
	if _, err := db.Exec(ctx, idb, `UPDATE catalogue_versions SET version = version + 1 WHERE id = 1`); err != nil {
		return fmt.Errorf("bump the catalogue version: %w", err)
	}
	return nil
}
