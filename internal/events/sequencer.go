package events

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// Stored is an event as the outbox holds it.
type Stored struct {
	ID             string    `bun:"id"`
	Seq            *int64    `bun:"seq"`
	Type           Type      `bun:"type"`
	Subject        string    `bun:"subject"`
	DataJSON       string    `bun:"data_json"`
	RecipientsJSON string    `bun:"recipients_json"`
	At             time.Time `bun:"at"`
	RequestID      *string   `bun:"request_id"`
}

// Recipients are the users the event tells.
func (s Stored) Recipients() []string {
	var to []string
	_ = json.Unmarshal([]byte(s.RecipientsJSON), &to) // Record wrote it
	return to
}

// FanOut makes, inside the sequencer's transaction, the work that newly
// sequenced events cause (webhook deliveries, e-mails): once per event,
// whichever process sequences it.
type FanOut func(ctx context.Context, tx bun.IDB, now time.Time, evs []Stored) error

// Sequencer gives committed events their place in commit order and fans
// them out. Ids are made before commit, so a transaction that commits late
// writes an event whose id sorts before events already committed; a
// reader paging by id would skip it. The sequencer numbers only events
// already committed, under the one lock of the sequence's counter row, so
// an event is numbered after every event numbered before it: a reader
// paging by seq never skips one. Several processes may run it at once.
type Sequencer struct {
	DB     *bun.DB
	Now    func() time.Time
	FanOut []FanOut
}

// batchSize bounds the events one step numbers.
const batchSize = 500

// Step numbers and fans out up to batchSize committed events; it reports
// how many.
func (s *Sequencer) Step(ctx context.Context) (int, error) {
	var n int
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		n = 0
		var last []int64
		if err := db.Query(ctx, tx, &last, `SELECT last FROM event_sequence WHERE id = 1`+db.LockClause(tx)); err != nil {
			return fmt.Errorf("lock the event sequence: %w", err)
		}
		if len(last) != 1 {
			return fmt.Errorf("the event sequence has %d rows", len(last))
		}
		var evs []Stored
		if err := db.Query(ctx, tx, &evs, `SELECT id, seq, type, subject, data_json, recipients_json, at, request_id
FROM events WHERE seq IS NULL ORDER BY id LIMIT ?0`, batchSize); err != nil {
			return fmt.Errorf("read unsequenced events: %w", err)
		}
		if len(evs) == 0 {
			return nil
		}
		ids, seqs := make([]string, len(evs)), make([]int64, len(evs))
		for i := range evs {
			seq := last[0] + int64(i) + 1
			evs[i].Seq = &seq
			ids[i], seqs[i] = evs[i].ID, seq
		}
		if db.IsPostgres(tx) {
			if _, err := db.Exec(ctx, tx, `UPDATE events SET seq = u.seq FROM unnest(?0::text[], ?1::bigint[]) AS u(id, seq) WHERE events.id = u.id`, ids, seqs); err != nil {
				return fmt.Errorf("sequence events: %w", err)
			}
		} else {
			list, err := json.Marshal(ids)
			if err != nil {
				return err
			}
			if _, err := db.Exec(ctx, tx, `UPDATE events SET seq = ?1 + j.key + 1 FROM json_each(?0) AS j WHERE events.id = j.value`, string(list), last[0]); err != nil {
				return fmt.Errorf("sequence events: %w", err)
			}
		}
		if _, err := db.Exec(ctx, tx, `UPDATE event_sequence SET last = ?0 WHERE id = 1`, seqs[len(seqs)-1]); err != nil {
			return fmt.Errorf("advance the event sequence: %w", err)
		}
		now := s.Now()
		for _, f := range s.FanOut {
			if err := f(ctx, tx, now, evs); err != nil {
				return err
			}
		}
		n = len(evs)
		return nil
	})
	return n, err
}

// Drain runs Step until no committed event is left unsequenced.
func (s *Sequencer) Drain(ctx context.Context) error {
	for {
		n, err := s.Step(ctx)
		if err != nil || n < batchSize {
			return err
		}
	}
}
