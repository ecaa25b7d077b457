package catalogue_test

import (
	"testing"
	"time"

	"github.com/skillgrid/skillgrid/internal/catalogue"
)

// TestNextChangeIsTheFirstStatusChangeAhead: a cached answer holding
// cohorts is good until the first moment one of them changes status: a
// window opening or closing, a first day beginning, a last day ending (at
// the programme's midnight); cancelled cohorts never change again.
func TestNextChangeIsTheFirstStatusChangeAhead(t *testing.T) {
	t.Parallel()
	now := time.Date(2027, 3, 1, 3, 0, 0, 0, time.UTC) // noon in Korea
	day := func(d string) time.Time {
		t0, err := catalogue.DayStart(d)
		if err != nil {
			t.Fatal(err)
		}
		return t0
	}
	open := catalogue.Cohort{EnrolOpensAt: now.Add(-time.Hour), EnrolClosesAt: now.Add(2 * time.Hour), StartsOn: "2027-03-10", EndsOn: "2027-03-20"}
	upcoming := catalogue.Cohort{EnrolOpensAt: now.Add(30 * time.Minute), EnrolClosesAt: now.Add(48 * time.Hour), StartsOn: "2027-03-10", EndsOn: "2027-03-20"}
	running := catalogue.Cohort{EnrolOpensAt: now.Add(-72 * time.Hour), EnrolClosesAt: now.Add(-48 * time.Hour), StartsOn: "2027-02-20", EndsOn: "2027-03-01"}
	cancelledAt := now.Add(-time.Minute)
	cancelled := upcoming
	cancelled.CancelledAt = &cancelledAt
	for _, c := range []struct {
		name    string
		cohorts []catalogue.Cohort
		want    time.Time
	}{
		{"none", nil, time.Time{}},
		{"an open window closes", []catalogue.Cohort{open}, now.Add(2 * time.Hour)},
		{"the earliest of several", []catalogue.Cohort{open, upcoming}, now.Add(30 * time.Minute)},
		{"the last day ends at midnight", []catalogue.Cohort{running}, day("2027-03-02")},
		{"a cancelled cohort stays cancelled", []catalogue.Cohort{cancelled}, time.Time{}},
	} {
		if got := catalogue.NextChange(c.cohorts, now); !got.Equal(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
