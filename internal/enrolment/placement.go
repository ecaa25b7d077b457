package enrolment

import (
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
)

// ErrAlreadyEnrolled says that the trainee already holds an active
// enrolment (enrolled or waitlisted) in the cohort. The service answers it
// with that enrolment, as a retry; a client only sees it as the conflict
// already_enrolled it also carries, when the enrolment cannot be found.
var ErrAlreadyEnrolled = errors.New("the trainee already holds an active enrolment in the cohort")

// alreadyEnrolled is ErrAlreadyEnrolled with the conflict a client is
// answered with.
func alreadyEnrolled() error {
	return fmt.Errorf("%w: %w", ErrAlreadyEnrolled, apperr.Conflict("already_enrolled", msg.AlreadyEnrolled))
}

// errRecheck says that what the service checked before the write changed
// before the write took the cohort's lock: the window closed, the cohort was
// cancelled, or its course was changed (archived, or its level or
// prerequisites edited). Nothing was placed; the service checks again and
// answers.
var errRecheck = errors.New("the cohort or its course changed between the checks and the write")

// cohortState is what placing enrolments reads of a cohort under its lock:
// its seats and waitlist counters, what may have changed since the
// service's checks read it (window, cancellation, course), and which of the
// trainees asking already hold an active enrolment in it.
type cohortState struct {
	Capacity     int        `bun:"capacity"`
	SeatsTaken   int        `bun:"seats_taken"`
	SeqLast      int64      `bun:"waitlist_seq_last"` // the last waitlist number given
	Left         int64      `bun:"waitlist_left"`     // how many ever left the waitlist
	OpensAt      time.Time  `bun:"enrol_opens_at"`
	ClosesAt     time.Time  `bun:"enrol_closes_at"`
	CancelledAt  *time.Time `bun:"cancelled_at"`
	CourseStatus string     `bun:"course_status"`
	CourseAt     time.Time  `bun:"course_updated_at"`

	Active map[string]bool `bun:"-"` // trainee ids
}

// request is one enrolment asking for a place: its trainee, when it was
// made, and the course's updated_at as the service's checks read it.
type request struct {
	TraineeID  string
	At         time.Time
	CourseSeen time.Time
}

// place is where a request goes: a seat (Enrolled), the waitlist
// (Waitlisted, with its number and its position in line), or nowhere,
// Refused with the reason (errRecheck or ErrAlreadyEnrolled).
type place struct {
	Status           string
	WaitlistSeq      int64
	WaitlistPosition int
	Refused          error
}

// apply gives e its place: its status and, on the waitlist, its number
// and position in line.
func (pl place) apply(e *Enrolment) {
	e.Status, e.WaitlistSeq, e.WaitlistPosition = pl.Status, nil, nil
	if pl.Status == Waitlisted {
		seq, pos := pl.WaitlistSeq, pl.WaitlistPosition
		e.WaitlistSeq, e.WaitlistPosition = &seq, &pos
	}
}

// tally is what placements take from the cohort's counters.
type tally struct {
	Seats    int       // seats taken
	Numbers  int       // waitlist numbers given
	SeatedAt time.Time // the latest seat's time, the cohort's new updated_at (when Seats > 0)
}

// decide places a batch of requests for one cohort, in arrival order, as
// placing them one at a time would: a request that the cohort's changes
// since the checks overtook is refused for a recheck; a trainee who holds
// an active enrolment (before the batch, or earlier in it) is refused as
// already enrolled; the others get a seat while one is free, then the next
// waitlist number.
func decide(c cohortState, batch []request) ([]place, tally) {
	out := make([]place, len(batch))
	held := maps.Clone(c.Active)
	if held == nil {
		held = map[string]bool{}
	}
	var t tally
	seats, seq := c.SeatsTaken, c.SeqLast
	for i, r := range batch {
		switch {
		case c.overtook(r):
			out[i].Refused = errRecheck
			continue
		case held[r.TraineeID]:
			out[i].Refused = alreadyEnrolled()
			continue
		}
		held[r.TraineeID] = true
		if seats < c.Capacity {
			seats++
			t.Seats++
			t.SeatedAt = later(t.SeatedAt, r.At)
			out[i] = place{Status: Enrolled}
			continue
		}
		seq++
		t.Numbers++
		out[i] = place{Status: Waitlisted, WaitlistSeq: seq, WaitlistPosition: int(seq - c.Left)}
	}
	return out, t
}

// overtook reports whether the cohort changed, since the service checked
// r, in a way that could change the answer: it was cancelled, r was made
// outside its window, or its course is no longer published or was edited.
func (c cohortState) overtook(r request) bool {
	return c.CancelledAt != nil || r.At.Before(c.OpensAt) || !r.At.Before(c.ClosesAt) ||
		c.CourseStatus != "published" || !c.CourseAt.Equal(r.CourseSeen)
}

// holdsSeat reports whether an enrolment in status holds one of its
// cohort's seats: from enrolment to its result.
func holdsSeat(status string) bool {
	return status == Enrolled || status == Completed || status == Failed
}

// errNoSeat refuses to bring in an enrolment that would hold a seat of a
// full cohort.
var errNoSeat = errors.New("no free seat in the cohort")

// decideRecorded is where an enrolment brought in with its status already
// decided (Backfill) goes, made at at: a status that holds a seat takes
// one, which must be free; a waitlisted one takes the next number; others
// (withdrawn, cancelled) take nothing.
func decideRecorded(c cohortState, status string, at time.Time) (place, tally, error) {
	switch {
	case holdsSeat(status):
		if c.SeatsTaken >= c.Capacity {
			return place{}, tally{}, errNoSeat
		}
		return place{Status: status}, tally{Seats: 1, SeatedAt: at}, nil
	case status == Waitlisted:
		seq := c.SeqLast + 1
		return place{Status: status, WaitlistSeq: seq, WaitlistPosition: int(seq - c.Left)}, tally{Numbers: 1}, nil
	}
	return place{Status: status}, tally{}, nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
