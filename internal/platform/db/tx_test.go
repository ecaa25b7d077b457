package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// InTx runs a transaction the database aborted as transient again, and
// nothing else: a rule's refusal is final, and a transient failure that
// keeps coming gives up after MaxAttempts.
func TestInTxRetriesOnlyTransientAborts(t *testing.T) {
	t.Parallel()
	deadlock := &pgconn.PgError{Code: "40P01"}
	final := errors.New("a rule said no")
	cases := []struct {
		name     string
		failures []error // what the attempts return, in turn; nil after
		want     error
		attempts int
	}{
		{"commits at once", nil, nil, 1},
		{"one deadlock, then commits", []error{deadlock}, nil, 2},
		{"a final error is not retried", []error{final}, final, 1},
		{"gives up after MaxAttempts", []error{deadlock, deadlock, deadlock, deadlock, deadlock, deadlock}, deadlock, db.MaxAttempts},
	}
	for _, dialect := range testutil.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			d := testutil.NewDB(t, dialect)
			for _, c := range cases {
				attempts := 0
				err := db.InTx(context.Background(), d, func(ctx context.Context, tx bun.Tx) error {
					attempts++
					if attempts <= len(c.failures) {
						return c.failures[attempts-1]
					}
					return nil
				})
				if !errors.Is(err, c.want) || attempts != c.attempts {
					t.Errorf("%s: err %v after %d attempts, want %v after %d", c.name, err, attempts, c.want, c.attempts)
				}
			}
		})
	}
}
