package fresh_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/skillgrid/skillgrid/internal/platform/fresh"
)

// TestABatchCallerGetsAReadThatBeganAfterIt: a read that began before a
// caller arrived may miss what committed just before the call, so the
// callers who arrive while a read runs get the next one, which reads all
// their keys at once (each once), and every caller gets its own key's
// value.
func TestABatchCallerGetsAReadThatBeganAfterIt(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	firstStarted := make(chan struct{})
	var (
		mu    sync.Mutex
		reads [][]string
	)
	b := fresh.NewBatch(func(_ context.Context, keys []string) (map[string]string, error) {
		mu.Lock()
		reads = append(reads, append([]string(nil), keys...))
		n := len(reads)
		mu.Unlock()
		if n == 1 {
			close(firstStarted)
			<-release // only the first read is held
		}
		out := map[string]string{}
		for _, k := range keys {
			if k != "missing" {
				out[k] = fmt.Sprintf("%s@%d", k, n)
			}
		}
		return out, nil
	}, 100, time.Minute)

	type answer struct {
		key, v string
		found  bool
		err    error
	}
	answers := make(chan answer, 8)
	get := func(k string) {
		v, found, err := b.Get(context.Background(), k)
		answers <- answer{k, v, found, err}
	}
	go get("a")
	<-firstStarted
	later := []string{"b", "c", "b", "missing"}
	var wg sync.WaitGroup
	for _, k := range later {
		wg.Add(1)
		go func() { defer wg.Done(); get(k) }()
	}
	// Wait until the four are queued behind the held read.
	waitFor(t, func() bool { return b.Waiting() == len(later) })
	close(release)
	wg.Wait()
	got := map[string][]answer{}
	for range 1 + len(later) {
		a := <-answers
		got[a.key] = append(got[a.key], a)
	}
	if a := got["a"][0]; a.v != "a@1" || !a.found || a.err != nil {
		t.Errorf("the first caller got %+v, want a@1", a)
	}
	for _, k := range []string{"b", "c"} {
		for _, a := range got[k] {
			if a.v != k+"@2" || !a.found || a.err != nil {
				t.Errorf("a caller of %s who arrived during read 1 got %+v, want %s@2", k, a, k)
			}
		}
	}
	if a := got["missing"][0]; a.found || a.err != nil {
		t.Errorf("a key the read left out came back %+v, want not found", a)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reads) != 2 || len(reads[1]) != 3 {
		t.Errorf("reads %v: want the four later callers' three distinct keys read together in read 2", reads)
	}
}

// TestABatchReadsAtMostMaxKeys: callers beyond max wait for the read after.
func TestABatchReadsAtMostMaxKeys(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var (
		mu    sync.Mutex
		sizes []int
	)
	b := fresh.NewBatch(func(_ context.Context, keys []int) (map[int]int, error) {
		mu.Lock()
		sizes = append(sizes, len(keys))
		first := len(sizes) == 1
		mu.Unlock()
		if first {
			<-release
		}
		out := map[int]int{}
		for _, k := range keys {
			out[k] = k * 10
		}
		return out, nil
	}, 3, time.Minute)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); _, _, _ = b.Get(context.Background(), 0) }()
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(sizes) == 1 })
	for k := 1; k <= 7; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, ok, err := b.Get(context.Background(), k); v != k*10 || !ok || err != nil {
				t.Errorf("Get(%d) = %d, %v, %v", k, v, ok, err)
			}
		}()
	}
	waitFor(t, func() bool { return b.Waiting() == 7 })
	close(release)
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(sizes) != "[1 3 3 1]" {
		t.Errorf("read sizes %v, want [1 3 3 1]", sizes)
	}
}

// TestABatchErrorOrPanicReachesItsCallersOnly: a read that fails fails
// the callers it served, a panic included, and the next read serves the
// next callers.
func TestABatchErrorOrPanicReachesItsCallersOnly(t *testing.T) {
	t.Parallel()
	calls := 0
	b := fresh.NewBatch(func(_ context.Context, keys []string) (map[string]bool, error) {
		calls++
		switch calls {
		case 1:
			return nil, errors.New("database down")
		case 2:
			panic("bad row")
		}
		return map[string]bool{keys[0]: true}, nil
	}, 10, time.Minute)
	if _, _, err := b.Get(context.Background(), "x"); err == nil || err.Error() != "database down" {
		t.Fatalf("first Get: %v, want the read's error", err)
	}
	if _, _, err := b.Get(context.Background(), "x"); err == nil {
		t.Fatal("second Get: no error from a read that panicked")
	}
	if v, ok, err := b.Get(context.Background(), "x"); !v || !ok || err != nil {
		t.Fatalf("third Get = %v, %v, %v; want true", v, ok, err)
	}
}

// TestAWaitingBatchCallerMayGiveUp: a caller whose context ends while it
// waits returns at once with the context's error.
func TestAWaitingBatchCallerMayGiveUp(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	b := fresh.NewBatch(func(_ context.Context, keys []string) (map[string]int, error) {
		select {
		case started <- struct{}{}:
		default:
		}
		<-release
		return map[string]int{}, nil
	}, 10, time.Minute)
	defer close(release)
	go func() { _, _, _ = b.Get(context.Background(), "first") }()
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { _, _, err := b.Get(ctx, "second"); done <- err }()
	waitFor(t, func() bool { return b.Waiting() == 1 })
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Get = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a caller who gave up still waits for the read")
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 10 s")
		}
		time.Sleep(time.Millisecond)
	}
}
