package testutil

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/app"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/config"
)

// Secret is the JWT key every test app signs with.
const Secret = "test-secret-test-secret-test-secret-0123"

// Password is the password of every account the helpers make.
const Password = "correct-horse-battery"

// Clock is a settable clock for rules that depend on time.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to tm.
func (c *Clock) Set(tm time.Time) {
	c.mu.Lock()
	c.now = tm.UTC()
	c.mu.Unlock()
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Env is the real application on a fresh database.
type Env struct {
	T       testing.TB
	Dialect string
	DSN     string
	DB      *bun.DB
	// Reads is what serves the hot path beside DB, as in serve
	// (db.OpenReads): read-only connections on SQLite, a pool planning
	// look-ups on PostgreSQL.
	Reads  *bun.DB
	App    *app.App
	Clock  *Clock
	Config config.Config
	Logs   fmt.Stringer

	adminToken string
}

// ForEachDB runs fn as a subtest on every dialect of this run, each with
// its own fresh database and app. The subtests run in parallel with each
// other and with every other parallel test: nothing is shared but the
// PostgreSQL server (see PostgresConns). fn must not call t.Parallel again.
func ForEachDB(t *testing.T, fn func(t *testing.T, e *Env)) {
	t.Helper()
	for _, d := range Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, New(t, d))
		})
	}
}

// New starts the app on a fresh database of the dialect.
func New(t testing.TB, dialect string, opts ...func(*config.Config)) *Env {
	t.Helper()
	dsn := NewDSN(t, dialect)
	return NewOn(t, dialect, dsn, opts...)
}

// NewOn starts another app on an existing database: a second server
// process sharing the first one's database.
func NewOn(t testing.TB, dialect, dsn string, opts ...func(*config.Config)) *Env {
	t.Helper()
	return newOn(t, dialect, dsn, testHashing(), opts...)
}

// testHashing makes argon2id cheap in tests; the pool keeps its defaults.
func testHashing() auth.HashOptions {
	return auth.HashOptions{Params: auth.HashParams{Memory: 64, Time: 1, Threads: 1}}
}

// NewWithHashing starts the app on a fresh database with a password hasher
// of the given pool sizes (cheap parameters), for tests of a full queue.
func NewWithHashing(t testing.TB, dialect string, slots, queue int) *Env {
	t.Helper()
	h := testHashing()
	h.Slots, h.Queue = slots, queue
	return newOn(t, dialect, NewDSN(t, dialect), h)
}

func newOn(t testing.TB, dialect, dsn string, hashing auth.HashOptions, opts ...func(*config.Config)) *Env {
	t.Helper()
	clock := &Clock{}
	clock.Set(time.Now())
	cfg := config.Config{
		JWTSecret:       []byte(Secret),
		AccessTokenTTL:  15 * time.Minute,
		RefreshTokenTTL: 720 * time.Hour,
		DatabaseURL:     dsn,
	}
	for _, o := range opts {
		o(&cfg)
	}
	logs := &lockedBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	d := Open(t, dsn)
	reads := OpenReads(t, dsn, d)
	a, err := app.Build(cfg, log, d, app.Options{Hashing: hashing, Now: clock.Now, Reads: reads})
	if err != nil {
		t.Fatalf("build app: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server errors:\n%s", errorLines(logs.String()))
		}
	})
	return &Env{T: t, Dialect: dialect, DSN: dsn, DB: d, Reads: reads, App: a, Clock: clock, Config: cfg, Logs: logs}
}

// errorLines keeps the log lines at level ERROR, which explain a 500.
func errorLines(logs string) string {
	var out []string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, `"level":"ERROR"`) && !strings.Contains(l, `"msg":"request"`) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

type lockedBuffer struct {
	mu sync.Mutex
	bytes.Buffer
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Buffer.String()
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.Buffer.Write(p)
}

// Response is what a request answered.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test if it cannot.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %d response %s: %v", r.Status, truncate(r.Body), err)
	}
}

// Map decodes a JSON object body.
func (r *Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Problem is a decoded problem+json body.
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
	Errors []struct {
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
}

// Problem decodes the body as a problem document and checks its media type.
func (r *Response) Problem(t testing.TB) Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("status %d with content type %q, want application/problem+json; body %s", r.Status, ct, truncate(r.Body))
	}
	var p Problem
	r.JSON(t, &p)
	return p
}

// Fields lists the fields a validation problem names.
func (p Problem) Fields() []string {
	out := []string{}
	for _, e := range p.Errors {
		out = append(out, e.Field)
	}
	return out
}

// Req describes a request; Body may be a string or []byte (sent as is) or
// any other value (sent as JSON).
type Req struct {
	Method string
	Path   string
	Body   any
	Token  string
	Header map[string]string
}

// Do sends r through the real router and checks the exchange against the
// OpenAPI document.
func (e *Env) Do(r Req) *Response {
	e.T.Helper()
	body := encode(e.T, r.Body)
	req := httptest.NewRequest(r.Method, r.Path, bytes.NewReader(body))
	if r.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	for k, v := range r.Header {
		req.Header.Set(k, v)
	}
	res, err := e.App.HTTP.Test(req, 60_000)
	if err != nil {
		e.T.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	defer res.Body.Close()
	resBody, err := io.ReadAll(res.Body)
	if err != nil {
		e.T.Fatalf("read response: %v", err)
	}
	checkExchange(e.T, req, body, res, resBody)
	return &Response{Status: res.StatusCode, Header: res.Header, Body: resBody}
}

// Get, Post, Patch are shorthands for Do.
func (e *Env) Get(path, token string) *Response {
	e.T.Helper()
	return e.Do(Req{Method: http.MethodGet, Path: path, Token: token})
}

// Post sends body as JSON.
func (e *Env) Post(path, token string, body any) *Response {
	e.T.Helper()
	return e.Do(Req{Method: http.MethodPost, Path: path, Token: token, Body: body})
}

// Patch sends body as JSON.
func (e *Env) Patch(path, token string, body any) *Response {
	e.T.Helper()
	return e.Do(Req{Method: http.MethodPatch, Path: path, Token: token, Body: body})
}

func encode(t testing.TB, v any) []byte {
	switch b := v.(type) {
	case nil:
		return nil
	case string:
		return []byte(b)
	case []byte:
		return b
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode body: %v", err)
	}
	return b
}

// Want fails the test unless r has the status.
func (r *Response) Want(t testing.TB, status int) *Response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body %s", r.Status, status, truncate(r.Body))
	}
	return r
}

// WantProblem fails unless r is a problem with the status and code.
func (r *Response) WantProblem(t testing.TB, status int, code string) Problem {
	t.Helper()
	r.Want(t, status)
	p := r.Problem(t)
	if p.Code != code || p.Status != status {
		t.Fatalf("problem %d %q, want %d %q; body %s", p.Status, p.Code, status, code, truncate(r.Body))
	}
	return p
}

// User is an account made by a helper.
type User struct {
	ID, Email, Token, Refresh string
	Role                      auth.Role
}

// AdminToken returns a token of an admin made on first use.
func (e *Env) AdminToken() string {
	if e.adminToken == "" {
		e.adminToken = e.NewUser(auth.Admin).Token
	}
	return e.adminToken
}

// NewUser makes an account of the role through the services (not the
// API, so that tests of the API's own rules stay separate) and signs it in.
func (e *Env) NewUser(role auth.Role) User {
	e.T.Helper()
	ctx := context.Background()
	email := Name(string(role)) + "@test.skillgrid.kr"
	var id string
	switch role {
	case auth.Trainee, auth.Company:
		p, err := e.App.Accounts.Register(ctx, newUser(email, role))
		if err != nil {
			e.T.Fatalf("register %s: %v", role, err)
		}
		id = p.ID
	default:
		p, err := e.App.Accounts.CreateAccount(ctx, newUser(email, role))
		if err != nil {
			e.T.Fatalf("create %s: %v", role, err)
		}
		id = p.ID
	}
	pair, err := e.App.Auth.IssueFor(ctx, id, role)
	if err != nil {
		e.T.Fatalf("issue tokens: %v", err)
	}
	return User{ID: id, Email: email, Token: pair.AccessToken, Refresh: pair.RefreshToken, Role: role}
}

// Serve starts the app on a real loopback listener for tests that need
// real concurrency or raw HTTP, and returns its base URL.
func (e *Env) Serve() string {
	e.T.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		e.T.Fatalf("listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_ = app.Serve(ctx, e.App.HTTP, ln, 5*time.Second)
		close(done)
	}()
	e.T.Cleanup(func() { cancel(); <-done })
	return "http://" + ln.Addr().String()
}
