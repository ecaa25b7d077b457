package attendance

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// Credit is the hours a record earns in a session of the given hours:
// present and excused count the whole session, late and left_early half,
// absent nothing.
func Credit(status string, hours float64) float64 {
	switch status {
	case Present, Excused:
		return hours
	case Late, LeftEarly:
		return hours / 2
	}
	return 0
}

// Standing is what the register says of one trainee so far.
type Standing struct {
	// Attended is the hours credited by the records.
	Attended float64
	// Open is the hours of scheduled sessions with no record yet: what the
	// trainee may still earn.
	Open float64
	// Lost is the hours recorded sessions did not credit.
	Lost float64
}

// Tally adds up a trainee's records (by session id) over the cohort's
// sessions; cancelled sessions count for nothing.
func Tally(sessions []Session, records map[string]string) Standing {
	var st Standing
	for _, s := range sessions {
		if s.Status != Scheduled {
			continue
		}
		status, ok := records[s.ID]
		if !ok {
			st.Open += s.Hours
			continue
		}
		c := Credit(status, s.Hours)
		st.Attended += c
		st.Lost += s.Hours - c
	}
	st.Attended, st.Open, st.Lost = round(st.Attended), round(st.Open), round(st.Lost)
	return st
}

// AtRisk reports whether the trainee can no longer reach required hours:
// they have missed some and what they attended plus every session still
// open falls short. A schedule that is not yet complete flags nobody who
// has missed nothing.
func (st Standing) AtRisk(required float64) bool {
	return st.Lost > 0 && st.Attended+st.Open < required
}

// round keeps hours to a millionth, so that halves of decimals add up as
// people expect.
func round(h float64) float64 { return math.Round(h*1e6) / 1e6 }

// Check-in window: from CheckInOpensBefore before a session's start to its
// end; a check-in more than LateAfter after the start is late.
const (
	CheckInOpensBefore = 15 * time.Minute
	LateAfter          = 10 * time.Minute
)

// CheckInOpen reports whether self check-in is open for s at now.
func CheckInOpen(s Session, now time.Time) bool {
	return s.Status == Scheduled && !now.Before(s.StartsAt.Add(-CheckInOpensBefore)) && !now.After(s.EndsAt)
}

// CheckInStatus is the record a check-in at now makes.
func CheckInStatus(s Session, now time.Time) string {
	if now.After(s.StartsAt.Add(LateAfter)) {
		return Late
	}
	return Present
}

// Overlaps reports whether [a0, a1) and [b0, b1) share a moment.
func Overlaps(a0, a1, b0, b1 time.Time) bool {
	return a0.Before(b1) && b0.Before(a1)
}

// MaxSessions bounds one weekly pattern.
const MaxSessions = 400

// Errors of a weekly pattern.
var (
	ErrBadTime    = errors.New("not a time of day HH:MM")
	ErrEndsBefore = errors.New("end_time is not after start_time")
	ErrToBefore   = errors.New("to is before from")
	ErrTooMany    = errors.New("too many sessions")
)

// Expand lists the slots of a weekly pattern, in zone (Korea time): every
// listed weekday from From to To, both included, except the Skip dates.
// Dates and weekdays must already be valid.
func Expand(w Weekly, zone *time.Location) ([]Slot, error) {
	start, err := time.Parse("15:04", w.StartTime)
	if err != nil {
		return nil, fmt.Errorf("start_time: %w", ErrBadTime)
	}
	end, err := time.Parse("15:04", w.EndTime)
	if err != nil {
		return nil, fmt.Errorf("end_time: %w", ErrBadTime)
	}
	if !end.After(start) {
		return nil, ErrEndsBefore
	}
	from, err := time.ParseInLocation(time.DateOnly, w.From, zone)
	if err != nil {
		return nil, err
	}
	to, err := time.ParseInLocation(time.DateOnly, w.To, zone)
	if err != nil {
		return nil, err
	}
	if to.Before(from) {
		return nil, ErrToBefore
	}
	var out []Slot
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		iso := int(d.Weekday())
		if iso == 0 {
			iso = 7
		}
		if !slices.Contains(w.Weekdays, iso) || slices.Contains(w.Skip, d.Format(time.DateOnly)) {
			continue
		}
		y, m, day := d.Date()
		out = append(out, Slot{
			StartsAt: time.Date(y, m, day, start.Hour(), start.Minute(), 0, 0, zone).UTC(),
			EndsAt:   time.Date(y, m, day, end.Hour(), end.Minute(), 0, 0, zone).UTC(),
		})
		if len(out) > MaxSessions {
			return nil, ErrTooMany
		}
	}
	return out, nil
}
