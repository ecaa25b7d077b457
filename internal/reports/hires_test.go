package reports

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestAttributeHires(t *testing.T) {
	t.Parallel()
	at := func(h int) time.Time { return time.Date(2026, 11, 1, h, 0, 0, 0, time.UTC) }
	done := func(id, trainee, track string, level, h int, inPeriod bool) Completion {
		return Completion{EnrolmentID: id, TraineeID: trainee, Track: track, Level: level, At: at(h), InPeriod: inPeriod}
	}
	bms1, bms2, mat1 := RowKey{"bms", 1}, RowKey{"bms", 2}, RowKey{"materials", 1}
	for _, tc := range []struct {
		name        string
		hires       []Hire
		completions []Completion
		want        map[RowKey]HireCount
	}{{
		name:        "two completions, one hire: once, in the latest's row",
		hires:       []Hire{{ID: "h1", TraineeID: "g", At: at(10)}},
		completions: []Completion{done("e2", "g", "bms", 2, 5, true), done("e1", "g", "bms", 1, 3, true)},
		want:        map[RowKey]HireCount{bms2: {1, 1}},
	}, {
		name:        "a completion after the hire does not take it",
		hires:       []Hire{{ID: "h1", TraineeID: "g", At: at(10)}},
		completions: []Completion{done("e1", "g", "materials", 1, 3, true), done("e2", "g", "bms", 2, 11, true)},
		want:        map[RowKey]HireCount{mat1: {1, 1}},
	}, {
		name:        "a completion at the hire's instant counts as before it",
		hires:       []Hire{{ID: "h1", TraineeID: "g", At: at(10)}},
		completions: []Completion{done("e1", "g", "materials", 1, 3, true), done("e2", "g", "bms", 2, 10, true)},
		want:        map[RowKey]HireCount{bms2: {1, 1}},
	}, {
		name:        "a tie in time goes to the higher level",
		hires:       []Hire{{ID: "h1", TraineeID: "g", At: at(10)}},
		completions: []Completion{done("e9", "g", "bms", 2, 5, true), done("e1", "g", "materials", 1, 5, true)},
		want:        map[RowKey]HireCount{bms2: {1, 1}},
	}, {
		name:        "no completion before the hire: the earliest",
		hires:       []Hire{{ID: "h1", TraineeID: "g", At: at(1)}},
		completions: []Completion{done("e2", "g", "bms", 2, 5, true), done("e1", "g", "bms", 1, 3, true)},
		want:        map[RowKey]HireCount{bms1: {1, 1}},
	}, {
		name:        "outside the period: not counted, not moved to another row",
		hires:       []Hire{{ID: "h1", TraineeID: "g", At: at(10)}},
		completions: []Completion{done("e2", "g", "bms", 2, 5, false), done("e1", "g", "bms", 1, 3, true)},
		want:        map[RowKey]HireCount{},
	}, {
		name: "two hires of one graduate in one row: two hires, one hired graduate",
		hires: []Hire{{ID: "h1", TraineeID: "g", At: at(10)}, {ID: "h2", TraineeID: "g", At: at(12)},
			{ID: "h3", TraineeID: "k", At: at(12)}},
		completions: []Completion{done("e1", "g", "bms", 1, 3, true), done("e2", "k", "bms", 1, 4, true)},
		want:        map[RowKey]HireCount{bms1: {3, 2}},
	}, {
		name:        "a hired trainee with no completion left counts nowhere",
		hires:       []Hire{{ID: "h1", TraineeID: "g", At: at(10)}},
		completions: nil,
		want:        map[RowKey]HireCount{},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, AttributeHires(tc.hires, tc.completions)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompletionRate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		completed, failed int
		want              *float64
	}{{0, 0, nil}, {2, 1, ptr(0.6667)}, {3, 0, ptr(1)}, {0, 4, ptr(0)}} {
		if got := CompletionRate(tc.completed, tc.failed); !cmp.Equal(got, tc.want) {
			t.Errorf("CompletionRate(%d, %d) = %v, want %v", tc.completed, tc.failed, got, tc.want)
		}
	}
}

func ptr(f float64) *float64 { return &f }
