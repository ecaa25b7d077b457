package db_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// Each constraint a statement breaks is told apart by its kind, on both
// databases, and none of them is taken for a transient failure.
func TestConstraintViolationsAreToldApart(t *testing.T) {
	t.Parallel()
	for _, dialect := range testutil.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			d := testutil.NewDB(t, dialect)
			for _, q := range []string{
				`CREATE TABLE dv_parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE)`,
				`CREATE TABLE dv_child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES dv_parent (id), n INTEGER CHECK (n > 0))`,
				`INSERT INTO dv_parent (id, code) VALUES (1, 'a')`,
			} {
				if _, err := d.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			type kinds struct{ unique, foreignKey, check, retryable bool }
			classify := func(err error) kinds {
				return kinds{db.IsUniqueViolation(err), db.IsForeignKeyViolation(err), db.IsCheckViolation(err), db.IsRetryable(err)}
			}
			for _, c := range []struct {
				name string
				stmt string
				want kinds
			}{
				{"primary key", `INSERT INTO dv_parent (id, code) VALUES (1, 'b')`, kinds{unique: true}},
				{"unique", `INSERT INTO dv_parent (id, code) VALUES (2, 'a')`, kinds{unique: true}},
				{"foreign key", `INSERT INTO dv_child (id, parent_id, n) VALUES (1, 9, 1)`, kinds{foreignKey: true}},
				{"check", `INSERT INTO dv_child (id, parent_id, n) VALUES (1, 1, 0)`, kinds{check: true}},
			} {
				_, err := d.ExecContext(ctx, c.stmt)
				if err == nil {
					t.Errorf("%s: %s succeeded", c.name, c.stmt)
					continue
				}
				if got := classify(err); got != c.want {
					t.Errorf("%s: %v read as %+v, want %+v", c.name, err, got, c.want)
				}
			}
			if got := classify(errors.New("not the database's")); got != (kinds{}) {
				t.Errorf("a plain error read as %+v", got)
			}
		})
	}
	for _, code := range []string{"40001", "40P01"} {
		if !db.IsRetryable(&pgconn.PgError{Code: code}) {
			t.Errorf("PostgreSQL %s not retryable", code)
		}
	}
}
