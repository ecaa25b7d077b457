package dates

import "testing"

func TestOnlyStorableYearsParse(t *testing.T) {
	for _, tc := range []struct {
		in      string
		day, at bool
	}{
		{"2026-03-02", true, false},
		{"0001-01-01", true, false},
		{"9999-12-31", true, false},
		{"0000-01-01", false, false},
		{"2026-02-30", false, false},
		{"2026-03-02T09:00:00+09:00", false, true},
		{"2026-03-02T09:00:00.123Z", false, true},
		{"0001-01-01T00:00:00+09:00", false, false}, // year 0 in UTC
		{"9999-12-31T23:00:00-02:00", false, false}, // year 10000 in UTC
		{"0001-01-01T00:00:00Z", false, true},
		{"tomorrow", false, false},
	} {
		if _, ok := Day(tc.in); ok != tc.day {
			t.Errorf("Day(%q) ok = %v, want %v", tc.in, ok, tc.day)
		}
		if _, ok := Instant(tc.in); ok != tc.at {
			t.Errorf("Instant(%q) ok = %v, want %v", tc.in, ok, tc.at)
		}
	}
}
