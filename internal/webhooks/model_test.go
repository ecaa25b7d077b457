package webhooks

import (
	"testing"
	"time"
)

func TestBackoffDoublesAndEndsAfterADay(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	now, waits := created, []time.Duration{}
	for attempt := 1; ; attempt++ {
		next, ok := NextAttempt(created, now, attempt)
		if !ok {
			break
		}
		waits = append(waits, next.Sub(now))
		now = next
	}
	if waits[0] != 30*time.Second || waits[1] != time.Minute || waits[2] != 2*time.Minute {
		t.Fatalf("first waits %v", waits[:3])
	}
	for _, w := range waits {
		if w > maxRetry {
			t.Fatalf("a wait of %v", w)
		}
	}
	if !now.Equal(created.Add(RetryFor)) {
		t.Fatalf("last attempt at %v, want a day after", now.Sub(created))
	}
	if len(waits) < 10 || len(waits) > 20 {
		t.Fatalf("%d retries", len(waits))
	}
	since := created
	if SwitchOff(nil, now) || SwitchOff(&since, created.Add(RetryFor-time.Second)) || !SwitchOff(&since, created.Add(RetryFor)) {
		t.Fatal("switch-off rule")
	}
}
