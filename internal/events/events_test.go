package events_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// An event commits with its transaction and rolls back with it.
func TestRecordCommitsAndRollsBackWithTheChange(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		ctx := audit.WithRequestID(context.Background(), "req-1")
		at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		u := e.NewUser(auth.Trainee)
		ev := events.Event{Type: events.EnrolmentCreated, Subject: "/v1/enrolments/x", Data: map[string]string{"k": "v"}, Recipients: []string{u.ID}, At: at}
		boom := errors.New("boom")
		err := db.InTx(ctx, e.DB, func(ctx context.Context, tx bun.Tx) error {
			if err := events.Record(ctx, tx, ev); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("rolled-back tx: %v", err)
		}
		if err := db.InTx(ctx, e.DB, func(ctx context.Context, tx bun.Tx) error {
			return events.Record(ctx, tx, ev)
		}); err != nil {
			t.Fatal(err)
		}
		var rows []struct {
			Type       string `bun:"type"`
			Subject    string `bun:"subject"`
			Data       string `bun:"data_json"`
			Recipients string `bun:"recipients_json"`
			RequestID  string `bun:"request_id"`
		}
		if err := db.Query(ctx, e.DB, &rows, `SELECT type, subject, data_json, recipients_json, request_id FROM events`); err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 {
			t.Fatalf("want exactly the committed event, got %d rows", len(rows))
		}
		r := rows[0]
		if r.Type != "enrolment.created" || r.Subject != "/v1/enrolments/x" || r.Data != `{"k":"v"}` || r.Recipients != `["`+u.ID+`"]` || r.RequestID != "req-1" {
			t.Fatalf("stored %+v", r)
		}
	})
}
