package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// RecordAll writes a batch's events, each with its own time, actor and
// request id, and its states as JSON, exactly as Record writes one; a
// failure writes none of them.
func TestRecordAllWritesEachEntry(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		ctx := context.Background()
		at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
		type state struct {
			Status   string `json:"status"`
			Position *int   `json:"position,omitempty"`
		}
		two := 2
		entity := ids.New()
		entries := []audit.Entry{
			{At: at, RequestID: "req-1", Change: audit.Change{ActorID: "actor-1", Action: "thing.made", Entity: "thing", EntityID: entity, After: state{Status: "made"}}},
			{At: at.Add(time.Second), Change: audit.Change{Action: "thing.queued", Entity: "thing", EntityID: entity, Before: state{Status: "made"}, After: state{Status: "queued", Position: &two}}},
			{At: at.Add(2 * time.Second), RequestID: "req-3", Change: audit.Change{ActorID: "actor-3", Action: "thing.gone", Entity: "thing", EntityID: entity}},
		}
		err := e.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if err := audit.RecordAll(ctx, tx, entries...); err != nil {
				return err
			}
			// One more, alone, through Record, which reads the request id
			// from the context.
			return audit.Record(audit.WithRequestID(ctx, "req-4"), tx, at.Add(3*time.Second), audit.Change{
				Action: "thing.kept", Entity: "thing", EntityID: entity, After: state{Status: "kept"},
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			At        time.Time `bun:"at"`
			ActorID   *string   `bun:"actor_id"`
			Action    string    `bun:"action"`
			Before    *string   `bun:"before_json"`
			After     *string   `bun:"after_json"`
			RequestID *string   `bun:"request_id"`
		}
		var got []row
		if err := e.DB.NewSelect().Table("audit_events").Column("at", "actor_id", "action", "before_json", "after_json", "request_id").
			Where("entity_id = ?", entity).OrderExpr("at").Scan(ctx, &got); err != nil {
			t.Fatal(err)
		}
		s := func(v string) *string { return &v }
		want := []row{
			{at, s("actor-1"), "thing.made", nil, s(`{"status":"made"}`), s("req-1")},
			{at.Add(time.Second), nil, "thing.queued", s(`{"status":"made"}`), s(`{"status":"queued","position":2}`), nil},
			{at.Add(2 * time.Second), s("actor-3"), "thing.gone", nil, nil, s("req-3")},
			{at.Add(3 * time.Second), nil, "thing.kept", nil, s(`{"status":"kept"}`), s("req-4")},
		}
		for i := range got {
			got[i].At = got[i].At.UTC()
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("stored events (-want +got):\n%s", d)
		}

		// A batch with a state that is not JSON fails and writes nothing.
		other := ids.New()
		err = e.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			return audit.RecordAll(ctx, tx,
				audit.Entry{At: at, Change: audit.Change{Action: "thing.made", Entity: "thing", EntityID: other, After: func() {}}})
		})
		if err == nil {
			t.Error("an unmarshalable state was recorded")
		}
		if n, err := e.DB.NewSelect().Table("audit_events").Where("entity_id = ?", other).Count(ctx); err != nil || n != 0 {
			t.Errorf("%d events of the failed batch stored (%v), want none", n, err)
		}
	})
}
