package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/testutil"
)

// TestReadsRunBesideAWrite: on SQLite, the readers OpenReads gives read
// the last commit while the one writing connection holds a write
// transaction open (where a read on the writer would wait for it), never
// see what is not committed, see a commit at once, and refuse writes. On
// PostgreSQL they are the database's own pool.
func TestReadsRunBesideAWrite(t *testing.T) {
	t.Parallel()
	for _, dialect := range testutil.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := testutil.NewDSN(t, dialect)
			d := testutil.Open(t, dsn)
			reads := testutil.OpenReads(t, dsn, d)
			if dialect == testutil.Postgres {
				if reads != d {
					t.Fatal("PostgreSQL's reads are not its own pool")
				}
				return
			}
			if reads == d {
				t.Fatal("SQLite's reads are the writing connection")
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
			if _, err := reads.ExecContext(ctx, "DELETE FROM tracks"); err == nil {
				t.Error("the readers wrote")
			}
		})
	}
}
