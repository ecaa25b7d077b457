// Package testutil starts the real application on a fresh SQLite or
// PostgreSQL database for each test, mints accounts and tokens, and checks
// every request and response a test makes against openapi/openapi.yaml.
package testutil

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/migrations"
)

// Dialects the suite runs on.
const (
	SQLite   = "sqlite"
	Postgres = "pg"
)

// PostgresURL is the server tests make their throwaway schemas in. Override
// with SKILLGRID_TEST_POSTGRES_URL; set it to "off" to run SQLite only.
func PostgresURL() string {
	if v := os.Getenv("SKILLGRID_TEST_POSTGRES_URL"); v != "" {
		return v
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

var (
	pgOnce sync.Once
	pgErr  error
)

// Dialects lists the databases this run tests: both, or SQLite alone when
// PostgreSQL is switched off. A PostgreSQL that is configured but does not
// answer fails the test: silently testing one database would hide bugs.
func Dialects(t testing.TB) []string {
	if PostgresURL() == "off" {
		return []string{SQLite}
	}
	pgOnce.Do(func() {
		d, err := db.Open(context.Background(), PostgresURL())
		if err == nil {
			_ = d.Close()
		}
		pgErr = err
	})
	if pgErr != nil {
		t.Fatalf("PostgreSQL for tests is unreachable (%v); start it, or set SKILLGRID_TEST_POSTGRES_URL=off to test SQLite only", pgErr)
	}
	return []string{SQLite, Postgres}
}

// NewDB opens a fresh, migrated database of the given dialect that lives as
// long as the test: a temporary file for SQLite, a throwaway schema for
// PostgreSQL (dropped at cleanup).
func NewDB(t testing.TB, dialect string) *bun.DB {
	t.Helper()
	return Open(t, NewDSN(t, dialect))
}

// PostgresConns is the most connections one test's pool opens to
// PostgreSQL. Tests run in parallel (make test: -parallel 8 in each of two
// test binaries at a time, -p 2) and share one server, whose
// max_connections is 100 by default: 2 x 8 tests x (4, and 1 while the
// schema is made or dropped) = 80, plus a few for the tests that start a
// second server or run the commands, stays under it, where the pool db.Open
// sizes for a server (at least 8, more with more cores) would not. Four
// connections still let a test's concurrent transactions race each other.
const PostgresConns = 4

// Open connects to dsn for the length of the test; several opens of one
// PostgreSQL dsn act as several server processes sharing a database.
func Open(t testing.TB, dsn string) *bun.DB {
	t.Helper()
	d, err := db.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	if d.Dialect().Name() == dialect.PG {
		d.SetMaxOpenConns(PostgresConns)
		d.SetMaxIdleConns(PostgresConns)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// OpenReads opens what serves reads beside d for the length of the test
// (db.OpenReads).
func OpenReads(t testing.TB, dsn string, d *bun.DB) *bun.DB {
	t.Helper()
	r, err := db.OpenReads(context.Background(), dsn, d)
	if err != nil {
		t.Fatalf("open readers of %s: %v", dsn, err)
	}
	if r != d {
		t.Cleanup(func() { _ = r.Close() })
	}
	return r
}

// NewDSN makes a fresh, migrated database and returns its URL.
func NewDSN(t testing.TB, dialect string) string {
	t.Helper()
	ctx := context.Background()
	var dsn string
	switch dialect {
	case SQLite:
		dsn = "sqlite://" + filepath.Join(t.TempDir(), "skillgrid.db")
	case Postgres:
		// A database of its own, copied from a migrated template: a copy
		// takes a tenth of the time migrating does, and most tests start
		// one. It is made and dropped over connections of their own,
		// closed at once, so that a test holds no connection for them.
		tpl, err := pgTemplate(ctx)
		if err != nil {
			t.Fatalf("postgres template: %v", err)
		}
		name := "t_" + randomHex(8)
		if err := adminExec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+tpl); err != nil {
			t.Fatalf("create database: %v", err)
		}
		t.Cleanup(func() { _ = adminExec(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)") })
		u, err := url.Parse(PostgresURL())
		if err != nil {
			t.Fatalf("parse postgres url: %v", err)
		}
		u.Path = "/" + name
		return u.String()
	default:
		t.Fatalf("unknown dialect %q", dialect)
	}
	if err := migrate(ctx, dsn); err != nil {
		t.Fatalf("migrate %s: %v", dialect, err)
	}
	return dsn
}

// migrate applies every migration to the database at dsn.
func migrate(ctx context.Context, dsn string) error {
	d, err := db.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	_, err = migrations.Up(ctx, d)
	return err
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// pgTemplate returns the name of a PostgreSQL database migrated to this
// history, made once per server and history: its name carries the
// history's fingerprint, so a changed migration gets a template of its own
// and test binaries running at once share one. It is built under a
// temporary name and renamed when complete, so no test copies half of one.
func pgTemplate(ctx context.Context) (string, error) {
	templateOnce.Do(func() {
		templateName = "skillgrid_tpl_" + migrations.Fingerprint()[:16]
		templateErr = makeTemplate(ctx, templateName)
	})
	return templateName, templateErr
}

func makeTemplate(ctx context.Context, name string) error {
	admin, err := db.Open(ctx, PostgresURL())
	if err != nil {
		return err
	}
	defer admin.Close()
	var n int
	if err := admin.QueryRowContext(ctx, "SELECT count(*) FROM pg_database WHERE datname = ?", name).Scan(&n); err != nil {
		return err
	}
	if n == 1 {
		return nil
	}
	tmp := "tpl_tmp_" + randomHex(8)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+tmp); err != nil {
		return err
	}
	u, err := url.Parse(PostgresURL())
	if err != nil {
		return err
	}
	u.Path = "/" + tmp
	if err := migrate(ctx, u.String()); err != nil {
		_, _ = admin.ExecContext(ctx, "DROP DATABASE "+tmp+" WITH (FORCE)")
		return err
	}
	// The migration's connections are closed; FORCE ends any backend
	// still on its way out, which would block the rename.
	_, err = admin.ExecContext(ctx, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ?", tmp)
	if err == nil {
		_, err = admin.ExecContext(ctx, "ALTER DATABASE "+tmp+" RENAME TO "+name)
	}
	if err != nil {
		// Another test binary finished the same template first, or the
		// rename failed: only the first is fine.
		_, _ = admin.ExecContext(ctx, "DROP DATABASE "+tmp+" WITH (FORCE)")
		if qerr := admin.QueryRowContext(ctx, "SELECT count(*) FROM pg_database WHERE datname = ?", name).Scan(&n); qerr != nil || n != 1 {
			return fmt.Errorf("make template %s: %w", name, err)
		}
	}
	return nil
}

// adminExec runs one statement on the PostgreSQL server tests use.
func adminExec(ctx context.Context, query string) error {
	admin, err := db.Open(ctx, PostgresURL())
	if err != nil {
		return err
	}
	defer admin.Close()
	_, err = admin.ExecContext(ctx, query)
	return err
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Name is a unique string for test data (emails, codes).
func Name(prefix string) string { return fmt.Sprintf("%s-%s", prefix, randomHex(4)) }
