package privacy_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/privacy"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// TestViewLogWritesEverythingByTheTimeItStops: views handed to a view log
// are all written, once per graduate and call, when its Run ends (a
// server stopping), and views recorded after that are written at once.
func TestViewLogWritesEverythingByTheTimeItStops(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		ctx := context.Background()
		co := e.NewUser(auth.Company)
		c, err := e.App.Accounts.CompanyOf(ctx, co.ID)
		if err != nil {
			t.Fatal(err)
		}
		g1, g2 := e.NewUser(auth.Trainee).ID, e.NewUser(auth.Trainee).ID
		count := func() int {
			n, err := e.DB.NewSelect().Table("profile_views").Where("company_id = ?", c.ID).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return int(n)
		}
		// An interval far longer than the test: only stopping writes.
		l := privacy.NewViewLog(e.DB, time.Hour, slog.New(slog.NewTextHandler(io.Discard, nil)))
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { l.Run(runCtx); close(done) }()
		now := e.Clock.Now()
		for _, call := range [][]string{{g1, g2, g1}, {g2}, {}} {
			if err := l.Record(ctx, nil, c.ID, privacy.ViewSearch, now, call); err != nil {
				t.Fatal(err)
			}
		}
		stop()
		<-done
		if n := count(); n != 3 {
			t.Fatalf("%d views written when the log stopped, want 3", n)
		}
		if err := l.Record(ctx, nil, c.ID, privacy.ViewRead, now, []string{g1}); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 4 {
			t.Fatalf("%d views after a read once stopped, want 4", n)
		}
		// A long export's views: statements of 100, 10 and 1 rows.
		many := make([]string, 111)
		for i := range many {
			many[i] = e.NewUser(auth.Trainee).ID
		}
		if err := (privacy.Views{}).Record(ctx, e.DB, c.ID, privacy.ViewExport, now, many); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 115 {
			t.Fatalf("%d views after an export of 111, want 115", n)
		}
	})
}

// TestExportViewsAreOneExportAndItsMembers: an export's graduates, handed
// to a view log chunk by chunk, are written by the time it stops as one
// export row and one member row per graduate (a graduate named in two
// chunks counts once), and an export recorded after the log stopped is
// written at once.
func TestExportViewsAreOneExportAndItsMembers(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		ctx := context.Background()
		co := e.NewUser(auth.Company)
		c, err := e.App.Accounts.CompanyOf(ctx, co.ID)
		if err != nil {
			t.Fatal(err)
		}
		gs := make([]string, 561) // statements of 500, 50 and 1 rows
		for i := range gs {
			gs[i] = e.NewUser(auth.Trainee).ID
		}
		count := func(table, where string, arg any) int {
			n, err := e.DB.NewSelect().Table(table).Where(where, arg).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return int(n)
		}
		l := privacy.NewViewLog(e.DB, time.Hour, slog.New(slog.NewTextHandler(io.Discard, nil)))
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { l.Run(runCtx); close(done) }()
		now := e.Clock.Now()
		for _, chunk := range [][]string{gs[:300], gs[300:], {gs[0], gs[0]}, {}} {
			if err := l.RecordExport(ctx, nil, "x1", c.ID, now, chunk, false); err != nil {
				t.Fatal(err)
			}
		}
		stop()
		<-done
		if n := count("profile_exports", "company_id = ?", c.ID); n != 1 {
			t.Fatalf("%d exports written, want 1", n)
		}
		if n := count("profile_export_members", "export_id = ?", "x1"); n != len(gs) {
			t.Fatalf("%d exported graduates written, want %d", n, len(gs))
		}
		if err := l.RecordExport(ctx, nil, "x2", c.ID, now, gs[:2], true); err != nil {
			t.Fatal(err)
		}
		if n := count("profile_export_members", "graduate_id = ?", gs[0]); n != 2 {
			t.Fatalf("g0 in %d exports after one recorded once stopped, want 2", n)
		}
		if n := count("profile_views", "company_id = ?", c.ID); n != 0 {
			t.Fatalf("%d rows in profile_views for exports", n)
		}
	})
}
