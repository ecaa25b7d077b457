package every_test

import (
	"context"
	"errors"
	"testing"

	"github.com/skillgrid/skillgrid/internal/platform/every"
)

// Drain steps until a step does nothing, and stops at the first failure.
func TestDrainStepsUntilNothingIsDone(t *testing.T) {
	t.Parallel()
	left := 3
	calls := 0
	err := every.Drain(context.Background(), func(context.Context) (int, error) {
		calls++
		if left == 0 {
			return 0, nil
		}
		left--
		return 1, nil
	})
	if err != nil || calls != 4 {
		t.Fatalf("err %v after %d calls, want nil after 4", err, calls)
	}
	boom := errors.New("boom")
	calls = 0
	err = every.Drain(context.Background(), func(context.Context) (int, error) { calls++; return 1, boom })
	if !errors.Is(err, boom) || calls != 1 {
		t.Fatalf("err %v after %d calls, want boom after 1", err, calls)
	}
}
