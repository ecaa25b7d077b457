package fresh

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"
)

// Batch is Reader for keyed reads: every caller of Get gets the value of
// its key from a read that began after the caller arrived, so whatever
// committed before the call is seen, as if the caller had read it alone;
// callers arriving while a read runs wait for the next one, which starts
// as soon as the running one ends and reads all their keys (up to max) at
// once. Under load, one statement answers the requests in flight instead
// of one statement each: on PostgreSQL each statement costs a round trip,
// and on a busy machine the wake-ups and system calls of a round trip
// cost more than the lookups in it. With nothing in flight, a caller
// reads its key at once, on its own goroutine. Make it with NewBatch.
type Batch[K comparable, V any] struct {
	read    func(ctx context.Context, keys []K) (map[K]V, error)
	max     int
	timeout time.Duration

	mu      sync.Mutex
	running bool               // a read is in flight
	waiting []*batchCall[K, V] // callers for the next read, in arrival order
}

type batchCall[K comparable, V any] struct {
	key   K
	done  chan struct{}
	v     V
	found bool
	err   error
}

// NewBatch is a Batch over read, which returns the values of the keys it
// finds (a key it leaves out is not found); each read takes at most
// maxKeys keys and is bounded by timeout.
func NewBatch[K comparable, V any](read func(ctx context.Context, keys []K) (map[K]V, error), maxKeys int, timeout time.Duration) *Batch[K, V] {
	return &Batch[K, V]{read: read, max: max(maxKeys, 1), timeout: timeout}
}

// Get returns the value of key, and whether there is one, from a read that
// began after Get was called.
func (b *Batch[K, V]) Get(ctx context.Context, key K) (V, bool, error) {
	c := &batchCall[K, V]{key: key, done: make(chan struct{})}
	b.mu.Lock()
	if !b.running {
		b.running = true
		b.mu.Unlock()
		b.run([]*batchCall[K, V]{c})
		if b.more() {
			go b.drain()
		}
		return c.v, c.found, c.err
	}
	b.waiting = append(b.waiting, c)
	b.mu.Unlock()
	select {
	case <-c.done:
		return c.v, c.found, c.err
	case <-ctx.Done():
		// The read it waits for still reads its key; nobody takes the
		// answer, which is harmless.
		var zero V
		return zero, false, ctx.Err()
	}
}

// more reports whether callers wait for a read; if none does, the batch
// is idle from then on (running is cleared under the lock that queues
// callers, so none is ever left waiting without a read to come).
func (b *Batch[K, V]) more() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.waiting) == 0 {
		b.running = false
		return false
	}
	return true
}

// drain reads for the waiting callers, a read at a time, until none is
// left.
func (b *Batch[K, V]) drain() {
	for {
		b.mu.Lock()
		n := min(len(b.waiting), b.max)
		calls := make([]*batchCall[K, V], n)
		copy(calls, b.waiting)
		b.waiting = append(b.waiting[:0], b.waiting[n:]...)
		b.mu.Unlock()
		b.run(calls)
		if !b.more() {
			return
		}
	}
}

// run reads the keys of calls, each once, and hands every call its
// answer; a panic in read is every call's error, not the process's end.
func (b *Batch[K, V]) run(calls []*batchCall[K, V]) {
	keys := make([]K, 0, len(calls))
	seen := make(map[K]bool, len(calls))
	for _, c := range calls {
		if !seen[c.key] {
			seen[c.key] = true
			keys = append(keys, c.key)
		}
	}
	values, err := b.readSafely(keys)
	for _, c := range calls {
		if err != nil {
			c.err = err
		} else {
			c.v, c.found = values[c.key]
		}
		close(c.done)
	}
}

func (b *Batch[K, V]) readSafely(keys []K) (values map[K]V, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			values, err = nil, fmt.Errorf("batch read of %d keys panicked: %v\n%s", len(keys), r, debug.Stack())
		}
	}()
	return b.read(ctx, keys)
}
