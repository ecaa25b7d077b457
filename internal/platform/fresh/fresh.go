// Package fresh reads a value that is never older than the request asking
// for it, while many concurrent requests share one read.
package fresh

import (
	"context"
	"sync"
	"time"
)

// Reader hands every caller of Get the result of a read that began after
// the caller arrived, so that whatever committed before the call is seen;
// callers arriving while a read runs wait for the next one, which starts
// as soon as the running one ends and serves all of them. Under load, one
// read at a time answers every request in flight, instead of one read per
// request. Make it with New.
type Reader[T any] struct {
	read    func(ctx context.Context) (T, error)
	timeout time.Duration

	mu      sync.Mutex
	running *call[T] // the read in flight, if any
	next    *call[T] // the read that starts when running ends, if anyone waits
}

type call[T any] struct {
	done chan struct{}
	v    T
	err  error
}

// New is a Reader over read, each read bounded by timeout.
func New[T any](read func(ctx context.Context) (T, error), timeout time.Duration) *Reader[T] {
	return &Reader[T]{read: read, timeout: timeout}
}

// Get returns the result of a read that began after Get was called.
func (r *Reader[T]) Get(ctx context.Context) (T, error) {
	r.mu.Lock()
	if r.running == nil {
		c := &call[T]{done: make(chan struct{})}
		r.running = c
		r.mu.Unlock()
		r.run(c)
		return c.v, c.err
	}
	if r.next == nil {
		r.next = &call[T]{done: make(chan struct{})}
	}
	c := r.next
	r.mu.Unlock()
	select {
	case <-c.done:
		return c.v, c.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// run reads for c's callers, then starts the read its waiters need, if any,
// on a goroutine of its own (the caller who ran this one has its answer).
func (r *Reader[T]) run(c *call[T]) {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	c.v, c.err = r.read(ctx)
	cancel()
	close(c.done)
	r.mu.Lock()
	n := r.next
	r.next, r.running = nil, n
	r.mu.Unlock()
	if n != nil {
		go r.run(n)
	}
}
