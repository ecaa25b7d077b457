// Package dates reads the dates and instants that clients send. Only years
// 1 to 9999 (in UTC) are accepted: Go parses year 0, and an offset can push
// 0001-01-01 into it, but PostgreSQL cannot store such a time, so it must be
// refused as bad input before it reaches a query.
package dates

import "time"

// Day parses a calendar date, YYYY-MM-DD.
func Day(s string) (time.Time, bool) {
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil && Storable(t)
}

// Instant parses an RFC 3339 timestamp (fractional seconds allowed).
func Instant(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil && Storable(t)
}

// Storable reports whether both databases can hold t: its UTC year is
// between 1 and 9999.
func Storable(t time.Time) bool {
	y := t.UTC().Year()
	return y >= 1 && y <= 9999
}
