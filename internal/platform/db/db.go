// Package db opens the database behind SkillGrid (embedded SQLite or
// PostgreSQL) through bun, and translates driver errors into apperr kinds so
// that stores speak one language whichever database runs underneath.
package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/fresh"
)

// Open connects to url (sqlite://PATH or postgres://...) and checks that the
// database answers.
func Open(ctx context.Context, rawURL string) (*bun.DB, error) {
	var (
		sqldb *sql.DB
		d     *bun.DB
		err   error
	)
	switch {
	case strings.HasPrefix(rawURL, "sqlite://"):
		sqldb, err = openSQLite(strings.TrimPrefix(rawURL, "sqlite://"))
		if err != nil {
			return nil, err
		}
		d = bun.NewDB(sqldb, sqlitedialect.New())
	case isPostgresURL(rawURL):
		if d, err = openPostgres(rawURL, nil); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unsupported database url %q: want sqlite:// or postgres://", redact(rawURL))
	}
	return d, ping(ctx, d, rawURL)
}

// ping checks that d answers, and closes it when it does not.
func ping(ctx context.Context, d *bun.DB, rawURL string) error {
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := d.PingContext(pctx); err != nil {
		_ = d.Close()
		return fmt.Errorf("connect to %s: %w", redact(rawURL), err)
	}
	return nil
}

func isPostgresURL(rawURL string) bool {
	return strings.HasPrefix(rawURL, "postgres://") || strings.HasPrefix(rawURL, "postgresql://")
}

// openPostgres opens a pool of connections to rawURL, each starting with
// the server settings given (none when nil).
func openPostgres(rawURL string, settings map[string]string) (*bun.DB, error) {
	u := withSimpleProtocol(rawURL)
	if len(settings) > 0 {
		parsed, err := url.Parse(u)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %s is not a URL", redact(rawURL))
		}
		q := parsed.Query()
		for k, v := range settings {
			q.Set(k, v) // pgx sends a parameter it does not know as a setting
		}
		parsed.RawQuery = q.Encode()
		u = parsed.String()
	}
	sqldb, err := sql.Open("pgx", u)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	n := max(8, 4*runtime.NumCPU())
	sqldb.SetMaxOpenConns(n)
	sqldb.SetMaxIdleConns(n)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	return bun.NewDB(sqldb, pgdialect.New()), nil
}

// openSQLite opens the embedded database with WAL, foreign keys and a busy
// timeout. It keeps one connection: SQLite has one writer at a time anyway,
// and queueing writers in the pool is fair and never fails with "database is
// locked", where several connections would race for the write lock and
// back off by sleeping. Transactions begin IMMEDIATE so that another process
// on the same file (a `user create` next to `serve`) waits for the lock
// instead of failing on upgrade. synchronous=FULL syncs the WAL at every
// commit, so that what was answered as stored (a 201) survives a power
// loss, not only a crash of the process; with a rush's enrolments committed
// in batches it costs about a quarter of the rush's throughput (bench-rush:
// some 4,700 against 3,500 enrolments/s).
func openSQLite(path string) (*sql.DB, error) {
	if path == "" {
		return nil, errors.New("sqlite:// needs a file path")
	}
	if strings.Contains(path, "?") {
		return nil, fmt.Errorf("sqlite:// takes only a file path, no ?query: %q", path)
	}
	if path != ":memory:" {
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, fmt.Errorf("create database directory: %w", err)
			}
		}
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	connector, err := newSQLiteConnector(sqliteURI(path) + "?" + q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	sqldb := sql.OpenDB(connector)
	sqldb.SetMaxOpenConns(1)
	sqldb.SetMaxIdleConns(1)
	sqldb.SetConnMaxLifetime(0)
	sqldb.SetConnMaxIdleTime(0)
	return sqldb, nil
}

// OpenReads opens what serves the statements of the hot path beside d,
// d being opened from the same rawURL: the checks every request reads
// together before it writes (ReadTogether), and on PostgreSQL the
// enrolment batches too (KeyedWrites). Close what it returns when that is
// not d.
//
// On SQLite, whose d keeps one connection for every write in turn, it is
// a pool of read-only connections to the same file: WAL lets them read
// the last commit while a write runs and syncs, where on d they would wait
// behind it. (An in-memory SQLite, which another connection would not
// see, reads on d itself.)
//
// On PostgreSQL it is a pool of its own whose connections plan with
// keyedPlanning: every statement sent there looks rows up by key, and it
// must go on doing so however the tables grew since the statistics were
// taken. On d, a statement prepared once per connection may keep a plan
// chosen while a table was nearly empty: bench-rush, on tables analysed
// after loading its trainees (as a new programme's are), found the batch
// transaction's look-up of the batch's trainees planned as a scan of
// enrolments, repeated for each trainee and each batch of a rush filling
// that table; the rush ran at 0.13-0.23 of its ceiling.
//
// A read on its own statement sees every write committed before it
// began, so a check read here is as fresh as one read on d; what must be
// decided under a write's lock is still read in the write's transaction.
func OpenReads(ctx context.Context, rawURL string, d *bun.DB) (*bun.DB, error) {
	if isPostgresURL(rawURL) {
		r, err := openPostgres(rawURL, keyedPlanning)
		if err != nil {
			return nil, err
		}
		return r, ping(ctx, r, rawURL)
	}
	path, ok := strings.CutPrefix(rawURL, "sqlite://")
	if !ok || path == ":memory:" {
		return d, nil
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "query_only(1)")
	connector, err := newSQLiteConnector(sqliteURI(path) + "?" + q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite readers: %w", err)
	}
	sqldb := sql.OpenDB(connector)
	n := max(2, runtime.NumCPU())
	sqldb.SetMaxOpenConns(n)
	sqldb.SetMaxIdleConns(n)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	r := bun.NewDB(sqldb, sqlitedialect.New())
	if err := ping(ctx, r, rawURL); err != nil {
		return nil, fmt.Errorf("sqlite readers: %w", err)
	}
	return r, nil
}

// keyedPlanning is how PostgreSQL plans on the pool of the hot path
// (OpenReads): each statement once per connection, the same plan for one
// key or a hundred (a shared read's keys vary from one read to the next,
// and planning it afresh cost more than running it: 0.3-0.7 ms against
// 0.1-0.2 ms for eight keys), and never as a scan of a table while an
// index can find the rows, whatever the statistics say of the table's
// size. It suits only statements that look rows up by key.
var keyedPlanning = map[string]string{
	"plan_cache_mode": "force_generic_plan",
	"enable_seqscan":  "off",
}

// KeyedWrites is where the writes of the hot path go (the enrolment
// batches), given d and what OpenReads opened beside it: on PostgreSQL
// its keyed pool, whose plans stay look-ups however fast a rush fills a
// table; on SQLite d, the one writer (its readers cannot write).
func KeyedWrites(d, reads *bun.DB) *bun.DB {
	if reads != nil && IsPostgres(reads) {
		return reads
	}
	return d
}

// sqliteURI is the SQLite URI of the file at path, taken literally: SQLite
// decodes %XX in a URI's path and ends the path at ? or #, so those are
// escaped, and an absolute path gets the empty authority ("file:///...")
// so that one starting with // is not read as a host.
func sqliteURI(path string) string {
	if path == ":memory:" {
		return "file::memory:"
	}
	esc := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
	if strings.HasPrefix(path, "/") {
		return "file://" + esc
	}
	return "file:" + esc
}

// IsPostgres reports whether d speaks PostgreSQL.
func IsPostgres(d bun.IDB) bool { return d.Dialect().Name() == dialect.PG }

// DialectName is "pg" or "sqlite", as the migrations' templates use it.
func DialectName(d bun.IDB) string {
	if IsPostgres(d) {
		return "pg"
	}
	return "sqlite"
}

// Lock is one row lock a SELECT takes on PostgreSQL: its strength (UPDATE,
// SHARE...) and, when the SELECT joins tables, the alias of the table whose
// rows it locks.
type Lock struct {
	Strength string
	Of       string
}

// ForUpdate locks for update the rows of the table of alias of, or of
// every table of the SELECT when of is "".
func ForUpdate(of string) Lock { return Lock{Strength: "UPDATE", Of: of} }

// ForShare locks the rows of the table of alias of (every table when "")
// against updates, while others may still read and share-lock them.
func ForShare(of string) Lock { return Lock{Strength: "SHARE", Of: of} }

// Locking adds row locks to a SELECT inside a transaction on PostgreSQL:
// FOR UPDATE when none is given. SQLite needs nothing: its write
// transactions begin IMMEDIATE and so already hold the database.
func Locking(q *bun.SelectQuery, locks ...Lock) *bun.SelectQuery {
	if IsPostgres(q.DB()) {
		return q.For(lockSpec(locks))
	}
	return q
}

// LockClause is Locking for a SELECT written as text (db.Query): the
// clause to append to it on PostgreSQL (" FOR UPDATE OF ch FOR SHARE OF
// co"), and "" on SQLite.
func LockClause(idb bun.IDB, locks ...Lock) string {
	if IsPostgres(idb) {
		return " FOR " + lockSpec(locks)
	}
	return ""
}

// lockSpec renders locks as bun's SelectQuery.For takes them, without the
// first FOR.
func lockSpec(locks []Lock) string {
	if len(locks) == 0 {
		return "UPDATE"
	}
	var b strings.Builder
	for i, l := range locks {
		if i > 0 {
			b.WriteString(" FOR ")
		}
		b.WriteString(l.Strength)
		if l.Of != "" {
			b.WriteString(" OF " + l.Of)
		}
	}
	return b.String()
}

// MaxAttempts bounds how often InTx runs a transaction that the database
// aborted as transient (IsRetryable).
const MaxAttempts = 5

// InTx runs fn in one transaction, committing when it returns nil. A
// transaction the database aborted as transient (a deadlock or
// serialization failure on PostgreSQL, a busy database on SQLite) rolled
// back whole, so it is run again, up to MaxAttempts times: fn must
// therefore only set, never accumulate, what it leaves outside. Every
// service reaches a transaction through InTx.
func InTx(ctx context.Context, d *bun.DB, fn func(ctx context.Context, tx bun.Tx) error) error {
	return InTxWith(ctx, d, nil, fn)
}

// InTxWith is InTx with transaction options (isolation, read-only).
func InTxWith(ctx context.Context, d *bun.DB, opts *sql.TxOptions, fn func(ctx context.Context, tx bun.Tx) error) error {
	var err error
	for i := 0; i < MaxAttempts; i++ {
		if err = d.RunInTx(ctx, opts, fn); err == nil || !IsRetryable(err) {
			return err
		}
	}
	return err
}

// Execer is a statement bun can run: an insert, update or delete query.
type Execer interface {
	Exec(ctx context.Context, dest ...any) (sql.Result, error)
}

// ChangedOne runs q and reports whether it changed exactly one row: how a
// conditional write (an UPDATE ... WHERE still-so, an INSERT ... ON
// CONFLICT DO NOTHING) tells whether it won its race.
func ChangedOne(ctx context.Context, q Execer) (bool, error) {
	res, err := q.Exec(ctx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	return n == 1, nil
}

// IsUniqueViolation reports a unique or primary-key constraint failure.
func IsUniqueViolation(err error) bool {
	return driverCode(err, []string{"23505"}, sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
}

// IsForeignKeyViolation reports a foreign-key constraint failure.
func IsForeignKeyViolation(err error) bool {
	return driverCode(err, []string{"23503"}, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY)
}

// IsCheckViolation reports a CHECK constraint failure.
func IsCheckViolation(err error) bool {
	return driverCode(err, []string{"23514"}, sqlite3.SQLITE_CONSTRAINT_CHECK)
}

// IsRetryable reports a transient failure worth retrying the whole
// transaction for: serialization failures and deadlocks on PostgreSQL, a
// busy or locked database on SQLite.
func IsRetryable(err error) bool {
	return driverCode(err, []string{"40001", "40P01"}, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
}

// driverCode reports whether err is a PostgreSQL error whose SQLSTATE is
// one of pg, or a SQLite error whose code is one of lite: an extended code
// (SQLITE_CONSTRAINT_UNIQUE) matches itself only, a primary one
// (SQLITE_BUSY, below 256) every extended code of its kind.
func driverCode(err error, pg []string, lite ...int) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return slices.Contains(pg, pe.Code)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		for _, l := range lite {
			if c == l || (l <= 0xff && c&0xff == l) {
				return true
			}
		}
	}
	return false
}

// NotFound turns sql.ErrNoRows into apperr.NotFound(what) and leaves every
// other error as it is; what is the catalogue's text (msg.NotFoundCohort...).
func NotFound(err error, what msg.ID) error {
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.NotFound(what)
	}
	return err
}

// withSimpleProtocol asks pgx for PostgreSQL's simple query protocol unless
// the URL chose a mode. bun interpolates arguments into the SQL text, so
// every statement is unique: pgx's default (prepare and cache each
// statement) would spend extra round trips preparing statements that are
// never reused.
func withSimpleProtocol(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	if q.Get("default_query_exec_mode") == "" {
		q.Set("default_query_exec_mode", "simple_protocol")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Query runs a hot-path query, written with bun's positional placeholders
// (?0, ?1, ...), and scans its rows into dst, a pointer to a slice. The
// arguments are sent apart from the text, which stays the same from call to
// call, so the statement is prepared once per connection: on PostgreSQL pgx
// caches it (the placeholders become $1, $2, ...), so PostgreSQL plans it
// once instead of on every call, which was most of the database's work on
// the enrolment path; on SQLite the connection keeps it (the placeholders
// become ?1, ?2, ...; see sqliteConnector), which saves parsing it again.
// dst is scanned by bun, as for any other query.
func Query(ctx context.Context, idb bun.IDB, dst any, query string, args ...any) error {
	c, err := driverOf(idb)
	if err != nil {
		return err
	}
	query, args = bound(idb, query, args)
	rows, err := c.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	// bun scans the rows into dst (its *bun.DB, also behind a Tx, does it).
	return idb.NewRaw("").DB().ScanRows(ctx, rows, dst)
}

// QueryAfresh is Query for a hot-path statement whose best plan changes
// as a rush fills a table: on PostgreSQL it is parsed and planned at every
// run (an unnamed statement), on the tables as they are then, where a
// statement Query prepared once per connection keeps the plan made when it
// was first run. The batch's already-enrolled check and the checks' cohort
// read, planned while enrolments was nearly empty, kept walking a cohort's
// enrolments for each trainee (a plan that costs the same as the right
// one on a nearly empty table), and an analysed rush of 16,000 fell to a
// tenth of its ceiling in four runs of nine; planned afresh, none of six
// did (bench-rush).
// SQLite plans its prepared statements again when their statistics
// change, so there it is Query.
func QueryAfresh(ctx context.Context, idb bun.IDB, dst any, query string, args ...any) error {
	if !IsPostgres(idb) {
		return Query(ctx, idb, dst, query, args...)
	}
	c, err := driverOf(idb)
	if err != nil {
		return err
	}
	rows, err := c.QueryContext(ctx, placeholders(query, '$'), append([]any{pgx.QueryExecModeExec}, args...)...)
	if err != nil {
		return err
	}
	return idb.NewRaw("").DB().ScanRows(ctx, rows, dst)
}

// Exec runs a hot-path statement that returns no rows, written and sent as
// for Query, and reports how many rows it changed.
func Exec(ctx context.Context, idb bun.IDB, query string, args ...any) (int64, error) {
	c, err := driverOf(idb)
	if err != nil {
		return 0, err
	}
	query, args = bound(idb, query, args)
	res, err := c.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Explain is the plan the next run of query (written as for Query) on
// the connection c would use, for a test or an operator to check a hot
// statement: on PostgreSQL, the plan of the statement prepared from it on
// c, when c holds one (Query's statement cache, where its plan may have
// been made long before), or else the plan PostgreSQL makes of it now (as
// for QueryAfresh); on SQLite, EXPLAIN QUERY PLAN.
func Explain(ctx context.Context, c bun.Conn, query string, args ...any) (string, error) {
	conn := c.Conn // bun's own methods would interpolate the arguments
	var q string
	switch {
	case !IsPostgres(c):
		q, args = bound(c, "EXPLAIN QUERY PLAN "+query, args)
	default:
		text := placeholders(query, '$')
		var name string
		err := conn.QueryRowContext(ctx, "SELECT name FROM pg_prepared_statements WHERE statement = $1 LIMIT 1", text).Scan(&name)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			q = "EXPLAIN " + text
		case err != nil:
			return "", err
		default:
			marks := make([]string, len(args))
			for i := range args {
				marks[i] = "$" + strconv.Itoa(i+1)
			}
			q = `EXPLAIN EXECUTE "` + name + `"(` + strings.Join(marks, ", ") + ")"
		}
		// With the simple protocol the arguments go in the statement's
		// text, as EXECUTE needs.
		args = append([]any{pgx.QueryExecModeSimpleProtocol}, args...)
	}
	rows, err := conn.QueryContext(ctx, q, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	var lines []string
	for rows.Next() {
		cells := make([]any, len(cols))
		var line string
		for i := range cells {
			cells[i] = new(any)
		}
		cells[len(cols)-1] = &line // the plan's text, or SQLite's detail
		if err := rows.Scan(cells...); err != nil {
			return "", err
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"), rows.Err()
}

// sqlRunner is what database/sql's DB, Tx and Conn have in common.
type sqlRunner interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// driverOf is the database/sql handle under idb, which takes arguments apart
// from the text (bun's own methods interpolate them).
func driverOf(idb bun.IDB) (sqlRunner, error) {
	switch c := idb.(type) {
	case *bun.DB:
		return c.DB, nil
	case bun.Tx:
		return c.Tx, nil
	case bun.Conn:
		return c.Conn, nil
	}
	return nil, fmt.Errorf("db: %T is not a *bun.DB, bun.Tx or bun.Conn", idb)
}

// bound turns a query with bun's placeholders and its arguments into what
// the database's driver takes. Times are sent to SQLite as text in bun's
// own format (sqliteTime), so that they compare with the stored ones.
func bound(idb bun.IDB, query string, args []any) (string, []any) {
	if IsPostgres(idb) {
		return placeholders(query, '$'), append([]any{pgx.QueryExecModeCacheStatement}, args...)
	}
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case time.Time:
			out[i] = v.UTC().Format(sqliteTime)
		case *time.Time:
			if v != nil {
				out[i] = v.UTC().Format(sqliteTime)
			}
		default:
			out[i] = a
		}
	}
	return placeholders(query, '?'), out
}

// ReadTogether is how the reads of the requests in flight reach idb:
// read looks up the keys it is given there, and the requests waiting
// together share one read of all their keys (fresh.Batch), each getting a
// read that began after it asked. On PostgreSQL each statement costs a
// round trip, whose system calls and wake-ups cost more than the lookups
// in it: read together, the checks of a rush of enrolments cost the
// database 27-45% less CPU per enrolment, and serve up to a third less
// (bench-rush). On SQLite, in
// process, there is no round trip to save and the rush measured the same
// as with a statement per request; the reads go the same way there so
// that both databases run one code path.
func ReadTogether[K comparable, V any](idb bun.IDB, read func(ctx context.Context, idb bun.IDB, keys []K) (map[K]V, error)) *fresh.Batch[K, V] {
	return fresh.NewBatch(func(ctx context.Context, keys []K) (map[K]V, error) { return read(ctx, idb, keys) }, maxKeysPerRead, readTimeout)
}

const (
	// maxKeysPerRead bounds the keys one shared read looks up.
	maxKeysPerRead = 256
	// readTimeout bounds a shared read, which serves several requests
	// and so runs on none's context.
	readTimeout = 10 * time.Second
)

// In is the condition that a value is one of the strings ss, to write
// after the value ("s.id " + cond), and the one argument it takes, at
// ?n: a text array on PostgreSQL, a JSON array read by json_each on
// SQLite (or, for one string, the string itself). The statement's text
// does not change with the number of strings (on SQLite, beyond one), so
// one or two prepared statements serve every number of them.
func In(idb bun.IDB, n int, ss []string) (cond string, arg any) {
	p := "?" + strconv.Itoa(n)
	if IsPostgres(idb) {
		return "= ANY(" + p + "::text[])", ss
	}
	if len(ss) == 1 {
		// The common case when nothing else is in flight; in process,
		// json_each would cost more than the lookup.
		return "= " + p, ss[0]
	}
	list, _ := json.Marshal(ss) // strings always marshal
	return "IN (SELECT value FROM json_each(" + p + "))", string(list)
}

// Pairs is a table of the pairs (as[i], bs[i]), to write after FROM: its
// columns are named a and b, the table alias, and its two arguments are
// at ?n and ?n+1 (a text array each on PostgreSQL, a JSON array each on
// SQLite, or the pair itself when there is one). Like In, its text does
// not change with the number of pairs beyond one.
func Pairs(idb bun.IDB, n int, as, bs []string, alias string) (table string, args []any) {
	p, q := "?"+strconv.Itoa(n), "?"+strconv.Itoa(n+1)
	if IsPostgres(idb) {
		return "unnest(" + p + "::text[], " + q + "::text[]) AS " + alias + "(a, b)", []any{as, bs}
	}
	if len(as) == 1 && len(bs) == 1 {
		return "(SELECT " + p + " AS a, " + q + " AS b) AS " + alias, []any{as[0], bs[0]}
	}
	la, _ := json.Marshal(as) // strings always marshal
	lb, _ := json.Marshal(bs)
	return "(SELECT ja.value AS a, jb.value AS b FROM json_each(" + p + ") AS ja JOIN json_each(" + q + ") AS jb ON jb.key = ja.key) AS " + alias,
		[]any{string(la), string(lb)}
}

// sqliteTime is how bun writes a time into SQLite (schema.BaseDialect's
// AppendTime, always in UTC), and so how every stored time reads.
const sqliteTime = "2006-01-02 15:04:05.999999-07:00"

// SQLiteTime is t as SQLite stores it, for a time handed to SQLite inside
// a JSON document (json_each) rather than as an argument.
func SQLiteTime(t time.Time) string { return t.UTC().Format(sqliteTime) }

// placeholders turns bun's ?0, ?1, ... into the driver's numbered
// parameters, counted from 1: $1, $2, ... for PostgreSQL, ?1, ?2, ... for
// SQLite.
func placeholders(q string, mark byte) string {
	var b strings.Builder
	b.Grow(len(q) + 8)
	for i := 0; i < len(q); i++ {
		if q[i] != '?' || i+1 >= len(q) || q[i+1] < '0' || q[i+1] > '9' {
			b.WriteByte(q[i])
			continue
		}
		j := i + 1
		n := 0
		for j < len(q) && q[j] >= '0' && q[j] <= '9' {
			n = n*10 + int(q[j]-'0')
			j++
		}
		b.WriteByte(mark)
		b.WriteString(strconv.Itoa(n + 1))
		i = j - 1
	}
	return b.String()
}
