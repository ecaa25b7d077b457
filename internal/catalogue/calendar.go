package catalogue

import "time"

// Zone is the programme's time zone: cohort dates are calendar days in
// Korea (UTC+9, no daylight saving time).
var Zone = time.FixedZone("KST", 9*60*60)

// Today is the programme's calendar date at t, as YYYY-MM-DD.
func Today(t time.Time) string { return t.In(Zone).Format(time.DateOnly) }

// DayStart is the instant a programme date (YYYY-MM-DD) begins.
func DayStart(date string) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, date, Zone)
}
