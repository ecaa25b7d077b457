package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/testutil"
)

// TestReadsRunBesideAWrite: what OpenReads gives reads the last commit
// while a write transaction is open on the database (on SQLite, where a
// read on the one writing connection would wait for it), never sees what
// is not committed and sees a commit at once. On SQLite it refuses
// writes; on PostgreSQL it is a pool of its own, planning look-ups
// (keyedPlanning).
func TestReadsRunBesideAWrite(t *testing.T) {
	t.Parallel()
	for _, dialect := range testutil.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := testutil.NewDSN(t, dialect)
			d := testutil.Open(t, dsn)
			reads := testutil.OpenReads(t, dsn, d)
			if reads == d {
				t.Fatal("the reads are the database's own handle")
			}
			if dialect == testutil.Postgres {
				for setting, want := range map[string]string{"enable_seqscan": "off", "plan_cache_mode": "force_generic_plan"} {
					var got string
					if err := reads.NewRaw("SELECT current_setting(?)", setting).Scan(ctx, &got); err != nil {
						t.Fatal(err)
					}
					if got != want {
						t.Errorf("%s is %q on the reads' connections, want %q", setting, got, want)
					}
				}
			}
			count := func() int {
				t.Helper()
				var n int
				rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
				defer cancel()
				if err := reads.NewRaw("SELECT count(*) FROM tracks WHERE code = 'reads-test'").Scan(rctx, &n); err != nil {
					t.Fatalf("read beside the write: %v", err)
				}
				return n
			}
			inWrite := make(chan struct{})
			commit := make(chan struct{})
			done := make(chan error, 1)
			go func() {
				done <- d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
					if _, err := tx.ExecContext(ctx, "INSERT INTO tracks (code, name, created_at) VALUES ('reads-test', 'Reads', ?)", time.Now().UTC()); err != nil {
						return err
					}
					close(inWrite)
					<-commit
					return nil
				})
			}()
			<-inWrite
			if n := count(); n != 0 {
				t.Errorf("a read saw %d uncommitted rows", n)
			}
			close(commit)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if n := count(); n != 1 {
				t.Errorf("a read right after the commit saw %d rows, want 1", n)
			}
			if _, err := reads.ExecContext(ctx, "DELETE FROM tracks"); dialect == testutil.SQLite && err == nil {
				t.Error("SQLite's readers wrote")
			}
		})
	}
}
