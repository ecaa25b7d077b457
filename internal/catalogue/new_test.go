package catalogue_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	"github.com/skillgrid/skillgrid/internal/catalogue"
)

type hooks struct{}

func (hooks) CapacityRaised(context.Context, bun.IDB, string, string, time.Time) error  { return nil }
func (hooks) CohortCancelled(context.Context, bun.IDB, string, string, time.Time) error { return nil }

// TestNewRequiresTheEnrolmentHooks: a catalogue wired without the
// enrolment work would cancel cohorts and leave their enrolments active,
// so it is not made at all.
func TestNewRequiresTheEnrolmentHooks(t *testing.T) {
	t.Parallel()
	d := bun.NewDB(&sql.DB{}, sqlitedialect.New())
	if _, err := catalogue.New(d, time.Now, nil); err == nil {
		t.Error("New without enrolment hooks made a service")
	}
	if _, err := catalogue.New(nil, time.Now, hooks{}); err == nil {
		t.Error("New without a database made a service")
	}
	if _, err := catalogue.New(d, nil, hooks{}); err == nil {
		t.Error("New without a clock made a service")
	}
	if s, err := catalogue.New(d, time.Now, hooks{}); err != nil || s == nil {
		t.Errorf("New with every dependency: %v", err)
	}
}
