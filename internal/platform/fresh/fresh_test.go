package fresh_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/skillgrid/skillgrid/internal/platform/fresh"
)

// TestACallerArrivingDuringAReadGetsALaterOne: a read that began before a
// caller arrived may miss what committed just before the call, so the
// caller gets a read that began after it arrived (reads are numbered in
// the order they begin); callers waiting together share one.
func TestACallerArrivingDuringAReadGetsALaterOne(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	firstStarted := make(chan struct{})
	var mu sync.Mutex
	reads := 0
	r := fresh.New(func(context.Context) (int, error) {
		mu.Lock()
		reads++
		n := reads
		mu.Unlock()
		if n == 1 {
			close(firstStarted)
			<-release // only the first read is held
		}
		return n, nil
	}, time.Minute)

	first := make(chan int)
	go func() { v, _ := r.Get(context.Background()); first <- v }()
	<-firstStarted
	later := make(chan int, 2)
	for i := 0; i < 2; i++ {
		go func() {
			v, _ := r.Get(context.Background())
			later <- v
		}()
	}
	close(release)
	if v := <-first; v != 1 {
		t.Fatalf("first caller got read %d", v)
	}
	for i := 0; i < 2; i++ {
		if v := <-later; v < 2 {
			t.Errorf("a caller who arrived during read 1 got read %d, which began before it", v)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if reads > 3 {
		t.Errorf("%d reads for three callers", reads)
	}
}

// TestAnIdleReaderReadsAtOnce: with nothing in flight, Get reads on the
// caller's goroutine and returns that read's result.
func TestAnIdleReaderReadsAtOnce(t *testing.T) {
	t.Parallel()
	n := 0
	r := fresh.New(func(context.Context) (int, error) { n++; return n, nil }, time.Minute)
	for want := 1; want <= 3; want++ {
		if v, err := r.Get(context.Background()); err != nil || v != want {
			t.Fatalf("Get = %d, %v; want %d", v, err, want)
		}
	}
}
