package outcomes_test

import (
	"context"
	"testing"

	"github.com/skillgrid/skillgrid/internal/outcomes"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// TestMonthsAfterClampsToTheMonthEnd checks the report's month rule on
// both databases: n calendar months later, on the same day of the month,
// or on the last day of a month too short to have it.
func TestMonthsAfterClampsToTheMonthEnd(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from string
		n    int
		want string
	}{
		{"2027-01-31", 1, "2027-02-28"},
		{"2028-01-31", 1, "2028-02-29"}, // leap year
		{"2027-01-31", 3, "2027-04-30"},
		{"2027-01-31", 6, "2027-07-31"},
		{"2027-08-31", 6, "2028-02-29"},
		{"2027-11-30", 3, "2028-02-29"},
		{"2027-03-31", 3, "2027-06-30"},
		{"2027-01-15", 3, "2027-04-15"},
		{"2027-10-31", 3, "2028-01-31"}, // across the year
		{"2027-02-28", 3, "2027-05-28"}, // a month end that is not day 31 stays its day
	}
	for _, dialect := range testutil.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			d := testutil.NewDB(t, dialect)
			for _, c := range cases {
				var got string
				q := "SELECT " + outcomes.MonthsAfter(d, "x.d", c.n) + " FROM (SELECT CAST(? AS TEXT) AS d) AS x"
				if err := d.NewRaw(q, c.from).Scan(context.Background(), &got); err != nil {
					t.Fatal(err)
				}
				if got != c.want {
					t.Errorf("%s + %d months = %s, want %s", c.from, c.n, got, c.want)
				}
			}
		})
	}
}
