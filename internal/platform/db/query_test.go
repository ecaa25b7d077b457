package db_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

type stamp struct {
	bun.BaseModel `bun:"table:query_test_stamps"`
	ID            int64     `bun:"id,pk"`
	At            time.Time `bun:"at,notnull"`
}

func newStamps(t *testing.T, dialect string) *bun.DB {
	t.Helper()
	d := testutil.NewDB(t, dialect)
	if _, err := d.NewCreateTable().Model((*stamp)(nil)).Exec(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

// A time sent as an argument compares with the times bun stored, on both
// databases: SQLite keeps times as text, so the argument must be sent in
// bun's format, whatever the time's zone.
func TestQueryTimesCompareWithStoredOnes(t *testing.T) {
	t.Parallel()
	seoul := time.FixedZone("KST", 9*3600)
	at := time.Date(2026, 11, 25, 9, 0, 0, 123456000, seoul)
	for _, dialect := range testutil.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			d := newStamps(t, dialect)
			rows := []stamp{{ID: 1, At: at.Add(-time.Second)}, {ID: 2, At: at}, {ID: 3, At: at.Add(time.Microsecond)}}
			if _, err := d.NewInsert().Model(&rows).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			var got []stamp
			if err := db.Query(ctx, d, &got, "SELECT id, at FROM query_test_stamps WHERE at <= ?0 ORDER BY id", at); err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].ID != 1 || got[1].ID != 2 || !got[1].At.Equal(at) {
				t.Fatalf("at <= %v: got %+v, want ids 1 and 2", at, got)
			}
			got = nil
			if err := db.Query(ctx, d, &got, "SELECT id, at FROM query_test_stamps WHERE at = ?0", at.UTC()); err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].ID != 2 {
				t.Fatalf("at = %v: got %+v, want id 2", at.UTC(), got)
			}
			n, err := db.Exec(ctx, d, "UPDATE query_test_stamps SET at = ?0 WHERE id > ?1", at.Add(time.Hour), 1)
			if err != nil || n != 2 {
				t.Fatalf("Exec changed %d rows (%v), want 2", n, err)
			}
		})
	}
}

// Inside a transaction on SQLite, rows of a query may still be open when
// the same query runs again; both must read their own answers (a prepared
// statement has one cursor, so the second run must not reuse the first's).
// PostgreSQL's driver refuses a second query while rows are open ("conn
// busy"), so there is nothing to share there.
func TestQueryAgainWhileItsRowsAreOpen(t *testing.T) {
	t.Parallel()
	for _, dialect := range []string{testutil.SQLite} {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			d := newStamps(t, dialect)
			base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			var rows []stamp
			for i := int64(1); i <= 5; i++ {
				rows = append(rows, stamp{ID: i, At: base.Add(time.Duration(i) * time.Minute)})
			}
			if _, err := d.NewInsert().Model(&rows).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			const q = "SELECT id FROM query_test_stamps WHERE id >= ?0 ORDER BY id"
			err := d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				// The first run goes through db.Query too, so that it is the
				// cached statement; it is read one row at a time.
				var first []struct {
					ID int64 `bun:"id"`
				}
				if err := db.Query(ctx, tx, &first, q, 2); err != nil {
					return err
				}
				outer, err := tx.Tx.QueryContext(ctx, raw(q), 2)
				if err != nil {
					return err
				}
				defer outer.Close()
				var seen []int64
				for outer.Next() {
					var id int64
					if err := outer.Scan(&id); err != nil {
						return err
					}
					seen = append(seen, id)
					var inner []struct {
						ID int64 `bun:"id"`
					}
					if err := db.Query(ctx, tx, &inner, q, 4); err != nil {
						return err
					}
					if len(inner) != 2 || inner[0].ID != 4 || inner[1].ID != 5 {
						t.Errorf("inner run: %+v, want ids 4 and 5", inner)
					}
				}
				if err := outer.Err(); err != nil {
					return err
				}
				if len(first) != 4 || len(seen) != 4 || seen[0] != 2 || seen[3] != 5 {
					t.Errorf("outer run read %v (first run %d rows), want 2..5", seen, len(first))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// raw is q with SQLite's own placeholders, for a query sent around
// db.Query with its arguments.
func raw(q string) string {
	return strings.ReplaceAll(q, "?0", "?1")
}

// In and Pairs send any number of strings as one argument each, on both
// databases: they match one string, several, none, and strings holding
// quotes, commas and Korean; Pairs keeps each pair together.
func TestInAndPairsTakeListsAsOneArgument(t *testing.T) {
	t.Parallel()
	for _, dialect := range testutil.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			d := testutil.NewDB(t, dialect)
			if _, err := d.ExecContext(ctx, "CREATE TABLE query_test_names (id TEXT PRIMARY KEY, n INTEGER NOT NULL)"); err != nil {
				t.Fatal(err)
			}
			names := []string{"a", `it's "quoted", too`, "훈련생", "d"}
			for i, n := range names {
				if _, err := db.Exec(ctx, d, "INSERT INTO query_test_names (id, n) VALUES (?0, ?1)", n, i); err != nil {
					t.Fatal(err)
				}
			}
			in := func(ss ...string) []int {
				t.Helper()
				cond, arg := db.In(d, 0, ss)
				var got []int
				if err := db.Query(ctx, d, &got, "SELECT n FROM query_test_names WHERE id "+cond+" ORDER BY n", arg); err != nil {
					t.Fatal(err)
				}
				return got
			}
			for _, c := range []struct {
				ss   []string
				want string
			}{
				{[]string{"훈련생"}, "[2]"},
				{[]string{"d", `it's "quoted", too`, "nobody"}, "[1 3]"},
				{[]string{}, "[]"},
			} {
				if got := in(c.ss...); fmt.Sprint(got) != c.want {
					t.Errorf("In(%q) matched %v, want %s", c.ss, got, c.want)
				}
			}
			table, args := db.Pairs(d, 1, []string{"훈련생", "a", "x"}, []string{"1", `"2"`, "3"}, "p")
			var pairs []struct {
				N int    `bun:"n"`
				B string `bun:"b"`
			}
			if err := db.Query(ctx, d, &pairs, "SELECT q.n, p.b FROM "+table+" JOIN query_test_names AS q ON q.id = p.a WHERE q.n >= ?0 ORDER BY q.n",
				append([]any{0}, args...)...); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(pairs) != `[{0 "2"} {2 1}]` {
				t.Errorf("Pairs joined %v, want [{0 \"2\"} {2 1}]", pairs)
			}
			// One pair, which SQLite takes as it is rather than as JSON.
			table, args = db.Pairs(d, 1, []string{`it's "quoted", too`}, []string{"하나"}, "p")
			pairs = nil
			if err := db.Query(ctx, d, &pairs, "SELECT q.n, p.b FROM "+table+" JOIN query_test_names AS q ON q.id = p.a WHERE q.n >= ?0",
				append([]any{0}, args...)...); err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(pairs) != `[{1 하나}]` {
				t.Errorf("Pairs of one joined %v, want [{1 하나}]", pairs)
			}
		})
	}
}
