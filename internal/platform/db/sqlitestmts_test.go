package db

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
)

// The SQLite connection prepares a query sent with arguments once and
// reuses it; a query without arguments (bun's, with its arguments in the
// text) is not kept.
func TestSQLiteKeepsPreparedStatements(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sqldb, err := openSQLite(filepath.Join(t.TempDir(), "stmts.db"))
	if err != nil {
		t.Fatal(err)
	}
	d := bun.NewDB(sqldb, sqlitedialect.New())
	defer d.Close()
	if _, err := d.ExecContext(ctx, "CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER)"); err != nil {
		t.Fatal(err)
	}
	cache := func() map[string]*cachedStmt {
		conn, err := sqldb.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var stmts map[string]*cachedStmt
		if err := conn.Raw(func(dc any) error {
			stmts = dc.(*cachingConn).stmts
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return stmts
	}
	for i := 0; i < 3; i++ {
		if _, err := Exec(ctx, d, "INSERT INTO kv (k, v) VALUES (?0, ?1)", string(rune('a'+i)), i); err != nil {
			t.Fatal(err)
		}
	}
	var got []struct {
		V int `bun:"v"`
	}
	for i := 0; i < 3; i++ {
		got = got[:0]
		if err := Query(ctx, d, &got, "SELECT v FROM kv WHERE k >= ?0 ORDER BY k", "b"); err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].V != 1 || got[1].V != 2 {
			t.Fatalf("got %+v, want v 1 and 2", got)
		}
	}
	if _, err := d.NewSelect().Table("kv").Where("k = ?", "a").Count(ctx); err != nil {
		t.Fatal(err)
	}
	stmts := cache()
	if len(stmts) != 2 {
		t.Fatalf("%d statements kept, want the INSERT and the SELECT: %v", len(stmts), stmts)
	}
	for q, s := range stmts {
		if s.busy {
			t.Errorf("%q is still marked busy after its rows closed", q)
		}
	}
	sel := stmts["SELECT v FROM kv WHERE k >= ?1 ORDER BY k"]
	if sel == nil {
		t.Fatalf("the SELECT is not kept under its driver text: %v", stmts)
	}
	if err := Query(ctx, d, &got, "SELECT v FROM kv WHERE k >= ?0 ORDER BY k", "c"); err != nil {
		t.Fatal(err)
	}
	if cache()["SELECT v FROM kv WHERE k >= ?1 ORDER BY k"] != sel {
		t.Fatal("the SELECT was prepared again")
	}
}

// The SQLite connection is set up as openSQLite promises: WAL, synced at
// every commit (a 201 survives a power loss), foreign keys, a busy timeout.
func TestSQLiteConnectionSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	sqldb, err := openSQLite(filepath.Join(t.TempDir(), "settings.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer sqldb.Close()
	for pragma, want := range map[string]string{
		"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "10000",
	} {
		var got string
		if err := sqldb.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
}

// A sqlite:// path is a file path taken literally: characters that SQLite's
// URI syntax would read otherwise (% escapes, # fragments) name the file
// as written and leave the server's settings intact, and a ?query is
// refused instead of being spliced into those settings.
func TestSQLitePathIsTakenLiterally(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	for _, name := range []string{"a#b.db", "c%41d.db", "e%3Ff.db"} {
		d, err := Open(ctx, "sqlite://"+filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for pragma, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "10000"} {
			var got string
			if err := d.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s: PRAGMA %s = %s, want %s", name, pragma, got, want)
			}
		}
		if _, err := d.ExecContext(ctx, "CREATE TABLE t (x INTEGER)"); err != nil {
			t.Fatal(err)
		}
		_ = d.Close()
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s: the database is not in the file named: %v", name, err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		switch n := e.Name(); {
		case n == "a#b.db" || n == "c%41d.db" || n == "e%3Ff.db", strings.HasSuffix(n, "-wal"), strings.HasSuffix(n, "-shm"):
		default:
			t.Errorf("unexpected file %q: a path was not taken literally", n)
		}
	}
	for _, url := range []string{"sqlite://" + filepath.Join(dir, "x.db") + "?mode=ro", "sqlite://" + filepath.Join(dir, "a") + "?b.db"} {
		if d, err := Open(ctx, url); err == nil {
			_ = d.Close()
			t.Errorf("%s: opened; a query must be refused", url)
		} else if !strings.Contains(err.Error(), "no ?query") {
			t.Errorf("%s: %v", url, err)
		}
	}
}
