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
