package enrolment

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skillgrid/skillgrid/internal/apperr"
)

// The placement rule, without a database: seats in arrival order, then
// waitlist numbers; the rechecks of what may have changed since the
// service's checks; a trainee twice in a batch, or already holding a place.
func TestDecide(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	edited := t0.Add(-time.Hour) // the course's updated_at the checks saw
	open := cohortState{
		Capacity: 2, OpensAt: t0.Add(-time.Hour), ClosesAt: t0.Add(time.Hour),
		CourseStatus: "published", CourseAt: edited,
	}
	with := func(change func(*cohortState)) cohortState {
		c := open
		change(&c)
		return c
	}
	ask := func(trainee string, at time.Time) request {
		return request{TraineeID: trainee, At: at, CourseSeen: edited}
	}
	seat := place{Status: Enrolled}
	line := func(seq int64, pos int) place {
		return place{Status: Waitlisted, WaitlistSeq: seq, WaitlistPosition: pos}
	}
	const (
		recheck = "recheck"
		already = "already"
	)
	cases := []struct {
		name  string
		c     cohortState
		batch []request
		want  []any // a place, or the reason of a refusal
		took  tally
	}{
		{
			name:  "seats in arrival order, then the waitlist",
			c:     open,
			batch: []request{ask("a", t0), ask("b", t0.Add(time.Second)), ask("c", t0), ask("d", t0)},
			want:  []any{seat, seat, line(1, 1), line(2, 2)},
			took:  tally{Seats: 2, Numbers: 2, SeatedAt: t0.Add(time.Second)},
		},
		{
			name:  "a full cohort numbers after its last number, counting those who left",
			c:     with(func(c *cohortState) { c.SeatsTaken, c.SeqLast, c.Left = 2, 7, 4 }),
			batch: []request{ask("a", t0), ask("b", t0)},
			want:  []any{line(8, 4), line(9, 5)},
			took:  tally{Numbers: 2},
		},
		{
			name:  "a trainee twice in the batch is placed once",
			c:     with(func(c *cohortState) { c.Capacity = 1 }),
			batch: []request{ask("a", t0), ask("a", t0), ask("b", t0)},
			want:  []any{seat, already, line(1, 1)},
			took:  tally{Seats: 1, Numbers: 1, SeatedAt: t0},
		},
		{
			name:  "a trainee who holds a place already takes nothing",
			c:     with(func(c *cohortState) { c.Active = map[string]bool{"a": true} }),
			batch: []request{ask("a", t0), ask("b", t0)},
			want:  []any{already, seat},
			took:  tally{Seats: 1, SeatedAt: t0},
		},
		{
			name:  "made before the window opened or once it closed",
			c:     open,
			batch: []request{ask("a", open.OpensAt.Add(-time.Nanosecond)), ask("b", open.ClosesAt), ask("c", open.OpensAt)},
			want:  []any{recheck, recheck, seat},
			took:  tally{Seats: 1, SeatedAt: open.OpensAt},
		},
		{
			name:  "a cancelled cohort",
			c:     with(func(c *cohortState) { c.CancelledAt = &t0 }),
			batch: []request{ask("a", t0)},
			want:  []any{recheck},
		},
		{
			name:  "an archived course",
			c:     with(func(c *cohortState) { c.CourseStatus = "archived" }),
			batch: []request{ask("a", t0)},
			want:  []any{recheck},
		},
		{
			name:  "a course edited since the checks",
			c:     with(func(c *cohortState) { c.CourseAt = edited.Add(time.Second) }),
			batch: []request{ask("a", t0), {TraineeID: "b", At: t0, CourseSeen: edited.Add(time.Second)}},
			want:  []any{recheck, seat},
			took:  tally{Seats: 1, SeatedAt: t0},
		},
		{
			name:  "a recheck does not count as a place: the trainee may come again",
			c:     open,
			batch: []request{ask("a", open.ClosesAt), ask("a", t0)},
			want:  []any{recheck, seat},
			took:  tally{Seats: 1, SeatedAt: t0},
		},
	}
	for _, tc := range cases {
		active := len(tc.c.Active)
		got, took := decide(tc.c, tc.batch)
		if len(got) != len(tc.want) {
			t.Fatalf("%s: %d places for %d requests", tc.name, len(got), len(tc.batch))
		}
		for i, w := range tc.want {
			switch w {
			case recheck:
				if !errors.Is(got[i].Refused, errRecheck) || got[i].Status != "" {
					t.Errorf("%s: request %d: %+v, want a recheck", tc.name, i, got[i])
				}
			case already:
				if !errors.Is(got[i].Refused, ErrAlreadyEnrolled) || !apperr.Is(got[i].Refused, "already_enrolled") || got[i].Status != "" {
					t.Errorf("%s: request %d: %+v, want already enrolled", tc.name, i, got[i])
				}
			default:
				if d := cmp.Diff(w, got[i]); d != "" {
					t.Errorf("%s: request %d (-want +got):\n%s", tc.name, i, d)
				}
			}
		}
		if took != tc.took {
			t.Errorf("%s: took %+v, want %+v", tc.name, took, tc.took)
		}
		if len(tc.c.Active) != active {
			t.Errorf("%s: the cohort's state was changed", tc.name)
		}
	}
}

// An enrolment brought in with its status takes what that status holds.
func TestDecideRecorded(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	c := cohortState{Capacity: 3, SeatsTaken: 2, SeqLast: 5, Left: 3}
	cases := []struct {
		status string
		c      cohortState
		want   place
		took   tally
		err    error
	}{
		{Enrolled, c, place{Status: Enrolled}, tally{Seats: 1, SeatedAt: at}, nil},
		{Completed, c, place{Status: Completed}, tally{Seats: 1, SeatedAt: at}, nil},
		{Failed, c, place{Status: Failed}, tally{Seats: 1, SeatedAt: at}, nil},
		{Waitlisted, c, place{Status: Waitlisted, WaitlistSeq: 6, WaitlistPosition: 3}, tally{Numbers: 1}, nil},
		{Withdrawn, c, place{Status: Withdrawn}, tally{}, nil},
		{Cancelled, c, place{Status: Cancelled}, tally{}, nil},
		{Completed, cohortState{Capacity: 2, SeatsTaken: 2}, place{}, tally{}, errNoSeat},
	}
	for _, tc := range cases {
		got, took, err := decideRecorded(tc.c, tc.status, at)
		if !errors.Is(err, tc.err) || got != tc.want || took != tc.took {
			t.Errorf("%s in %+v: %+v %+v %v, want %+v %+v %v", tc.status, tc.c, got, took, err, tc.want, tc.took, tc.err)
		}
	}
}
