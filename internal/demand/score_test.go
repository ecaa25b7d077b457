package demand

import (
	"testing"
	"time"
)

func TestScore(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	ago := func(days int) *time.Time { at := now.Add(-time.Duration(days) * 24 * time.Hour); return &at }
	tests := []struct {
		name string
		n    Need
		c    Candidate
		want Factors
		ok   bool
	}{
		{"below the level is no match", Need{MinLevel: 3}, Candidate{Level: 2, QualifiedAt: ago(1)}, Factors{}, false},
		{"at the level, no skills or region asked, fresh", Need{MinLevel: 2}, Candidate{Level: 2, QualifiedAt: ago(0)}, Factors{30, 30, 15, 15}, true},
		{"one level above", Need{MinLevel: 2}, Candidate{Level: 3, QualifiedAt: ago(10)}, Factors{35, 30, 15, 15}, true},
		{"two levels above is the most", Need{MinLevel: 1}, Candidate{Level: 5, QualifiedAt: ago(10)}, Factors{40, 30, 15, 15}, true},
		{"half the skills", Need{MinLevel: 1, Skills: 2}, Candidate{Level: 1, SkillsHeld: 1, QualifiedAt: ago(10)}, Factors{30, 15, 15, 15}, true},
		{"a third of the skills rounds down", Need{MinLevel: 1, Skills: 3}, Candidate{Level: 1, SkillsHeld: 1, QualifiedAt: ago(10)}, Factors{30, 10, 15, 15}, true},
		{"two of three skills", Need{MinLevel: 1, Skills: 3}, Candidate{Level: 1, SkillsHeld: 2, QualifiedAt: ago(10)}, Factors{30, 20, 15, 15}, true},
		{"no skill held", Need{MinLevel: 1, Skills: 4}, Candidate{Level: 1, QualifiedAt: ago(10)}, Factors{30, 0, 15, 15}, true},
		{"the region asked", Need{MinLevel: 1, Region: "청주"}, Candidate{Level: 1, Region: "청주", QualifiedAt: ago(10)}, Factors{30, 30, 15, 15}, true},
		{"another region", Need{MinLevel: 1, Region: "청주"}, Candidate{Level: 1, Region: "서울", QualifiedAt: ago(10)}, Factors{30, 30, 0, 15}, true},
		{"no region of their own", Need{MinLevel: 1, Region: "청주"}, Candidate{Level: 1, QualifiedAt: ago(10)}, Factors{30, 30, 0, 15}, true},
		{"exactly 90 days", Need{MinLevel: 1}, Candidate{Level: 1, QualifiedAt: ago(90)}, Factors{30, 30, 15, 15}, true},
		{"91 days", Need{MinLevel: 1}, Candidate{Level: 1, QualifiedAt: ago(91)}, Factors{30, 30, 15, 10}, true},
		{"200 days", Need{MinLevel: 1}, Candidate{Level: 1, QualifiedAt: ago(200)}, Factors{30, 30, 15, 5}, true},
		{"over a year", Need{MinLevel: 1}, Candidate{Level: 1, QualifiedAt: ago(366)}, Factors{30, 30, 15, 0}, true},
		{"placement only", Need{MinLevel: 1}, Candidate{Level: 4}, Factors{40, 30, 15, 0}, true},
		{"the lowest fit", Need{MinLevel: 2, Skills: 2, Region: "부산"}, Candidate{Level: 2, Region: "청주"}, Factors{30, 0, 0, 0}, true},
	}
	for _, tt := range tests {
		got, ok := Score(tt.n, tt.c, now)
		if ok != tt.ok || got != tt.want {
			t.Errorf("%s: Score = %+v, %v; want %+v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
		if ok && (got.Total() < 0 || got.Total() > 100) {
			t.Errorf("%s: total %d outside 0-100", tt.name, got.Total())
		}
	}
}

func TestGapAndSeatsToClose(t *testing.T) {
	t.Parallel()
	rate := func(r float64) *float64 { return &r }
	tests := []struct {
		name                string
		open, matching, due int
		rate                *float64
		wantGap, wantSeats  int
	}{
		{"covered by graduates", 3, 5, 0, rate(0.5), 0, 0},
		{"covered by graduates and trainees due", 5, 2, 3, nil, 0, 0},
		{"a gap, no history", 6, 1, 2, nil, 3, 3},
		{"a gap at 80%", 6, 1, 1, rate(0.8), 4, 5},
		{"a gap at 100%", 4, 0, 0, rate(1), 4, 4},
		{"a gap nobody passes", 2, 0, 0, rate(0), 2, 2},
		{"exact division", 3, 0, 0, rate(0.75), 3, 4},
		{"a third", 1, 0, 0, rate(1.0 / 3), 1, 3},
	}
	for _, tt := range tests {
		gap := Gap(tt.open, tt.matching, tt.due)
		seats := SeatsToClose(gap, tt.rate)
		if gap != tt.wantGap || seats != tt.wantSeats {
			t.Errorf("%s: gap %d seats %d, want %d and %d", tt.name, gap, seats, tt.wantGap, tt.wantSeats)
		}
	}
}
