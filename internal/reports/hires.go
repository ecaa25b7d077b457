package reports

import (
	"sort"
	"time"
)

// Hire is a recorded hire, as the report attributes it.
type Hire struct {
	ID        string    `bun:"id"`
	TraineeID string    `bun:"trainee_id"`
	At        time.Time `bun:"created_at"` // when the hire was recorded
}

// Completion is a completed enrolment of a hired trainee, as the report
// attributes hires to it. InPeriod says whether its cohort counts in the
// report's period.
type Completion struct {
	EnrolmentID string    `bun:"enrolment_id"`
	TraineeID   string    `bun:"trainee_id"`
	Track       string    `bun:"track"`
	Level       int       `bun:"level"`
	At          time.Time `bun:"completed_at"`
	InPeriod    bool      `bun:"-"`
}

// RowKey names a row of the programme report.
type RowKey struct {
	Track string
	Level int
}

// HireCount is what a row of the report counts of hires: the hires
// attributed to it and the distinct graduates they hired.
type HireCount struct {
	Hires          int
	HiredGraduates int
}

// AttributeHires counts every hire once, however many courses the
// graduate completed: in the row of the track and level of the graduate's
// latest completion recorded at or before the hire was recorded (on a tie
// in time, the higher level, then the first track by code). A hire
// recorded before any of the graduate's completions still standing (a
// correction took the earlier one away) goes to their earliest completion.
// A hire counts in the report only if the completion it is attributed to
// is in the report's period, so the hires of disjoint periods add up; the
// hires column of a report sums to the hires of graduates with a
// completion in its period.
func AttributeHires(hires []Hire, completions []Completion) map[RowKey]HireCount {
	byTrainee := map[string][]Completion{}
	for _, c := range completions {
		byTrainee[c.TraineeID] = append(byTrainee[c.TraineeID], c)
	}
	for _, cs := range byTrainee {
		sort.Slice(cs, func(i, j int) bool { return before(cs[i], cs[j]) })
	}
	out := map[RowKey]HireCount{}
	hired := map[RowKey]map[string]bool{}
	for _, h := range hires {
		cs := byTrainee[h.TraineeID]
		if len(cs) == 0 {
			continue
		}
		// cs is oldest first: the last one at or before the hire, or the
		// first of all.
		pick := cs[0]
		for _, c := range cs {
			if c.At.After(h.At) {
				break
			}
			pick = c
		}
		if !pick.InPeriod {
			continue
		}
		k := RowKey{pick.Track, pick.Level}
		n := out[k]
		n.Hires++
		if hired[k] == nil {
			hired[k] = map[string]bool{}
		}
		if !hired[k][h.TraineeID] {
			hired[k][h.TraineeID] = true
			n.HiredGraduates++
		}
		out[k] = n
	}
	return out
}

// before orders completions oldest first; at the same instant, the one
// that wins a tie (higher level, then first track) comes last.
func before(a, b Completion) bool {
	if !a.At.Equal(b.At) {
		return a.At.Before(b.At)
	}
	if a.Level != b.Level {
		return a.Level < b.Level
	}
	if a.Track != b.Track {
		return a.Track > b.Track
	}
	return a.EnrolmentID < b.EnrolmentID
}
