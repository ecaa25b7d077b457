package enrolment

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// maxBatch bounds how many enrolments one transaction places.
const maxBatch = 64

// batchTimeout bounds one batch's transaction; the requests in it have
// their own deadlines, but the batch serves several of them at once.
const batchTimeout = 30 * time.Second

// batcher places the enrolments of each cohort in batches. In a rush, every
// enrolment of a cohort queues behind its row lock and each one's commit:
// one at a time, the lock was held for a whole round of statements and a
// WAL flush per enrolment, and the database's waiters woke and slept again
// for each. Instead, the requests of a cohort queue here, and one goroutine
// per busy cohort places everything waiting, in arrival order, with one
// transaction that takes the lock once and commits once (placeBatch).
//
// The batcher only gathers work: every seat is still decided (decide) on
// what the batch's transaction read under the cohort's row lock, so the
// invariant holds with any number of server processes, each with its own
// batcher.
type batcher struct {
	db    *bun.DB
	store Store

	mu     sync.Mutex
	queues map[string]*queue // cohorts with a goroutine placing their enrolments

	size     prometheus.Histogram // enrolments per batch
	duration prometheus.Histogram // seconds per batch, fallback included
	failed   prometheus.Counter   // batches that rolled back and were placed one by one
}

func newBatcher(d *bun.DB, s Store, reg prometheus.Registerer) *batcher {
	b := &batcher{
		db: d, store: s, queues: map[string]*queue{},
		size: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "skillgrid", Subsystem: "enrolment", Name: "batch_size",
			Help:    "Enrolments placed together in one transaction.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64},
		}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "skillgrid", Subsystem: "enrolment", Name: "batch_seconds",
			Help:    "Time to place one batch of enrolments, lock to commit.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 12),
		}),
		failed: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "skillgrid", Subsystem: "enrolment", Name: "batch_failures_total",
			Help: "Batches that rolled back as a whole, whose enrolments were then placed one at a time.",
		}),
	}
	if reg != nil {
		reg.MustRegister(b.size, b.duration, b.failed)
	}
	return b
}

type queue struct {
	pending []*placement
}

// placement is one enrolment waiting to be placed, and where its outcome
// goes.
type placement struct {
	e          *Enrolment
	courseSeen time.Time // the course's updated_at when the service checked it
	actorID    string
	requestID  string
	names      cohortNames // for its event
	state      atomic.Int32
	done       chan error // buffered: the placing goroutine never waits on it
}

const (
	queued    int32 = iota
	taken           // in a batch: its outcome will come
	abandoned       // its request gave up before a batch took it
)

// place queues e behind the cohort's other enrolments and waits for the
// outcome. A request that gives up while still queued is dropped; once in a
// batch it waits for the outcome, so that it never answers an error for an
// enrolment that was stored.
func (b *batcher) place(ctx context.Context, e *Enrolment, courseSeen time.Time, actorID string, names cohortNames) error {
	p := &placement{e: e, courseSeen: courseSeen, actorID: actorID, requestID: audit.RequestID(ctx), names: names, done: make(chan error, 1)}
	b.mu.Lock()
	q, running := b.queues[e.CohortID]
	if !running {
		q = &queue{}
		b.queues[e.CohortID] = q
	}
	q.pending = append(q.pending, p)
	b.mu.Unlock()
	if !running {
		go b.drain(e.CohortID, q)
	}
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		if p.state.CompareAndSwap(queued, abandoned) {
			return ctx.Err()
		}
		return <-p.done
	}
}

// drain places the cohort's queued enrolments, a batch at a time, until
// none is left; the queue leaves the map under the same lock that adds to
// it, so nothing queued is ever left without a goroutine.
func (b *batcher) drain(cohortID string, q *queue) {
	for {
		b.mu.Lock()
		if len(q.pending) == 0 {
			delete(b.queues, cohortID)
			b.mu.Unlock()
			return
		}
		n := min(len(q.pending), maxBatch)
		batch := make([]*placement, 0, n)
		for _, p := range q.pending[:n] {
			if p.state.CompareAndSwap(queued, taken) {
				batch = append(batch, p)
			}
		}
		q.pending = append(q.pending[:0], q.pending[n:]...)
		b.mu.Unlock()
		if len(batch) > 0 {
			b.run(cohortID, batch)
		}
	}
}

// run places one batch and hands each placement its outcome. If the batch
// fails as a whole (it rolled back), each enrolment is placed on its own, a
// batch of one, so that one bad row costs only itself.
func (b *batcher) run(cohortID string, batch []*placement) {
	defer func() {
		if r := recover(); r != nil {
			err := fmt.Errorf("placing enrolments in %s panicked: %v\n%s", cohortID, r, debug.Stack())
			for _, p := range batch {
				select {
				case p.done <- err:
				default:
				}
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	b.size.Observe(float64(len(batch)))
	defer func(start time.Time) { b.duration.Observe(time.Since(start).Seconds()) }(time.Now())
	outcomes, err := b.placeBatch(ctx, cohortID, batch)
	if err == nil {
		for i, p := range batch {
			p.done <- outcomes[i]
		}
		return
	}
	b.failed.Inc()
	for _, p := range batch {
		p.done <- b.placeAlone(ctx, p)
	}
}

// placeAlone places one enrolment as a batch of one.
func (b *batcher) placeAlone(ctx context.Context, p *placement) error {
	out, err := b.placeBatch(ctx, p.e.CohortID, []*placement{p})
	if err != nil {
		return err
	}
	return out[0]
}

// placeBatch places a batch of enrolments of one cohort, in arrival order,
// in one transaction: it takes the cohort's row lock once (and a share
// lock on its course, which an edit of the course takes for update), reads
// the seats and which of the batch's trainees already hold an active
// enrolment there, decides each placement (decide), and writes them all,
// with their audit events, before the one commit. Each outcome is nil
// (placed: the enrolment has its status and place in line), errRecheck,
// or ErrAlreadyEnrolled. An error means the transaction rolled back and
// nothing was placed; the enrolments are as they came.
func (b *batcher) placeBatch(ctx context.Context, cohortID string, batch []*placement) ([]error, error) {
	requests := make([]request, len(batch))
	trainees := make([]string, len(batch))
	for i, p := range batch {
		requests[i] = request{TraineeID: p.e.TraineeID, At: p.e.CreatedAt, CourseSeen: p.courseSeen}
		trainees[i] = p.e.TraineeID
	}
	var outcomes []error
	err := db.InTx(ctx, b.db, func(ctx context.Context, tx bun.Tx) error {
		c, err := b.store.lockForPlacing(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		if c.Active, err = b.store.activeAmong(ctx, tx, cohortID, trainees); err != nil {
			return err
		}
		places, took := decide(c, requests)
		outcomes = make([]error, len(batch))
		var (
			placed  []*Enrolment
			entries []audit.Entry
			evs     []events.Event
		)
		for i, p := range batch {
			pl, e := places[i], p.e
			pl.apply(e) // a refusal leaves e as it came, also when this is a retry
			if pl.Refused != nil {
				outcomes[i] = pl.Refused
				continue
			}
			placed = append(placed, e)
			entries = append(entries, audit.Entry{At: e.CreatedAt, RequestID: p.requestID, Change: audit.Change{
				ActorID: p.actorID, Action: "enrolment." + e.Status, Entity: "enrolment", EntityID: e.ID,
				After: state{Status: e.Status},
			}})
			ev := enrolmentEvent(events.EnrolmentCreated, e, p.names, e.CreatedAt)
			ev.RequestID = p.requestID
			evs = append(evs, ev)
		}
		if len(placed) == 0 {
			return nil
		}
		if err := b.store.insertPlaced(ctx, tx, cohortID, took, placed); err != nil {
			return err
		}
		if err := audit.RecordAll(ctx, tx, entries...); err != nil {
			return err
		}
		return events.Record(ctx, tx, evs...)
	})
	if err != nil {
		for _, p := range batch {
			p.e.Status, p.e.WaitlistSeq, p.e.WaitlistPosition = "", nil, nil
		}
		return nil, err
	}
	return outcomes, nil
}
