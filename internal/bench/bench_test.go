package bench_test

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/skillgrid/skillgrid/internal/bench"
)

func TestPercentileIsTheNearestRank(t *testing.T) {
	t.Parallel()
	ms := func(n ...int) []time.Duration {
		out := make([]time.Duration, len(n))
		for i, v := range n {
			out[i] = time.Duration(v) * time.Millisecond
		}
		return out
	}
	for _, c := range []struct {
		sorted []time.Duration
		p      int
		want   time.Duration
	}{
		{nil, 99, 0},
		{ms(7), 50, 7 * time.Millisecond},
		{ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{ms(1, 2, 3, 4), 99, 4 * time.Millisecond},
		{ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 90, 9 * time.Millisecond},
	} {
		if got := bench.Percentile(c.sorted, c.p); got != c.want {
			t.Errorf("p%d of %v = %v, want %v", c.p, c.sorted, got, c.want)
		}
	}
}

// TestPeakRSSIsThePeakSinceItStarted: PeakRSS gives the highest RSS from
// its call to the end, not a peak the process reached before it (the
// kernel's record is reset), and sees memory the process holds. Not
// parallel: it measures this test process's own memory.
func TestPeakRSSIsThePeakSinceItStarted(t *testing.T) {
	pid := os.Getpid()
	touch := func(n int) []byte {
		b := make([]byte, n)
		for i := 0; i < n; i += 4096 {
			b[i] = 1
		}
		return b
	}
	const MiB = 1 << 20
	before := touch(128 * MiB) // a peak before the measure
	runtime.KeepAlive(before)
	before = nil
	runtime.GC()
	debug.FreeOSMemory()
	base, err := bench.RSS(pid)
	if err != nil {
		t.Fatal(err)
	}
	peak := bench.PeakRSS(pid)
	held := touch(32 * MiB)
	got := peak()
	runtime.KeepAlive(held)
	if got < base+30*1024 || got > base+96*1024 {
		t.Errorf("peak %d KiB, want the RSS after the earlier peak was freed (%d KiB) plus the 32 MiB held since", got, base)
	}
}
