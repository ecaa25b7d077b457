package attendance_test

import (
	"encoding/base32"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skillgrid/skillgrid/internal/attendance"
)

// TestCodesFollowRFC6238 checks the check-in codes against the SHA-1 test
// vectors of RFC 6238 appendix B (their last six digits, as codes have six)
// and the acceptance of the step before and no other.
func TestCodesFollowRFC6238(t *testing.T) {
	t.Parallel()
	secret := base32.StdEncoding.EncodeToString([]byte("12345678901234567890"))
	for unix, want := range map[int64]string{
		59: "287082", 1111111109: "081804", 1111111111: "050471",
		1234567890: "005924", 2000000000: "279037", 20000000000: "353130",
	} {
		got, err := attendance.Code(secret, time.Unix(unix, 0))
		if err != nil || got != want {
			t.Errorf("code at %d = %q, %v; want %q", unix, got, err, want)
		}
	}
	now := time.Unix(1111111111, 0)
	for _, c := range []struct {
		at   time.Time
		want bool
	}{{now, true}, {now.Add(-30 * time.Second), true}, {now.Add(-60 * time.Second), false}, {now.Add(30 * time.Second), false}} {
		code, _ := attendance.Code(secret, c.at)
		if ok, err := attendance.CodeValid(secret, code, now); err != nil || ok != c.want {
			t.Errorf("code of %v valid at %v = %v, %v; want %v", c.at, now, ok, err, c.want)
		}
	}
}

func TestHoursAndRisk(t *testing.T) {
	t.Parallel()
	ss := []attendance.Session{
		{ID: "a", Hours: 4, Status: attendance.Scheduled}, {ID: "b", Hours: 4, Status: attendance.Scheduled},
		{ID: "c", Hours: 3, Status: attendance.Scheduled}, {ID: "d", Hours: 4, Status: attendance.Cancelled},
	}
	for _, c := range []struct {
		records  map[string]string
		want     attendance.Standing
		required float64
		risk     bool
	}{
		{nil, attendance.Standing{Open: 11}, 20, false}, // a short schedule flags nobody who missed nothing
		{map[string]string{"a": "present", "b": "excused", "d": "absent"}, attendance.Standing{Attended: 8, Open: 3}, 10, false},
		{map[string]string{"a": "late", "b": "left_early", "c": "absent"}, attendance.Standing{Attended: 4, Lost: 7}, 4, false},
		{map[string]string{"a": "late", "b": "absent"}, attendance.Standing{Attended: 2, Open: 3, Lost: 6}, 5.5, true},
	} {
		got := attendance.Tally(ss, c.records)
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("Tally(%v) (-want +got):\n%s", c.records, diff)
		}
		if got.AtRisk(c.required) != c.risk {
			t.Errorf("AtRisk(%v, %v) = %v", c.records, c.required, !c.risk)
		}
	}
}

func TestWeeklyPatternsAreKoreaTime(t *testing.T) {
	t.Parallel()
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	// March 2027: Monday the 1st (a holiday, skipped) and Wednesdays.
	got, err := attendance.Expand(attendance.Weekly{Weekdays: []int{1, 3}, StartTime: "19:00", EndTime: "22:00",
		From: "2027-03-01", To: "2027-03-10", Skip: []string{"2027-03-01"}}, seoul)
	if err != nil {
		t.Fatal(err)
	}
	var starts []string
	for _, s := range got {
		starts = append(starts, s.StartsAt.UTC().Format(time.RFC3339)+"/"+s.EndsAt.Sub(s.StartsAt).String())
	}
	want := []string{"2027-03-03T10:00:00Z/3h0m0s", "2027-03-08T10:00:00Z/3h0m0s", "2027-03-10T10:00:00Z/3h0m0s"}
	if diff := cmp.Diff(want, starts); diff != "" {
		t.Fatalf("sessions (-want +got):\n%s", diff)
	}
	if _, err := attendance.Expand(attendance.Weekly{Weekdays: []int{1}, StartTime: "22:00", EndTime: "19:00", From: "2027-03-01", To: "2027-03-10"}, seoul); err == nil {
		t.Fatal("an end before the start was accepted")
	}
}
