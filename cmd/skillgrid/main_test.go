package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skillgrid/skillgrid/internal/demo"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// stdin is a command's standard input.
func stdin(s string) io.Reader { return strings.NewReader(s) }

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestBadConfigurationNamesTheVariable(t *testing.T) {
	cases := map[string][]string{
		"SKILLGRID_LOG_LEVEL":    {"SKILLGRID_LOG_LEVEL", "loud"},
		"SKILLGRID_DATABASE_URL": {"SKILLGRID_DATABASE_URL", "oracle://x"},
		"SKILLGRID_JWT_SECRET":   {"SKILLGRID_JWT_SECRET", "short"},
	}
	for name, kv := range cases {
		err := run(context.Background(), []string{"serve"}, envOf(map[string]string{kv[0]: kv[1]}), stdin(""), &bytes.Buffer{})
		if err == nil || !strings.HasPrefix(err.Error(), name) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	// serve refuses to start without a secret unless --dev.
	dsn := "sqlite://" + t.TempDir() + "/x.db"
	err := run(context.Background(), []string{"serve"}, envOf(map[string]string{"SKILLGRID_DATABASE_URL": dsn}), stdin(""), &bytes.Buffer{})
	if err == nil || !strings.HasPrefix(err.Error(), "SKILLGRID_JWT_SECRET") {
		t.Fatalf("serve without a secret: %v", err)
	}
	if err := run(context.Background(), []string{"frobnicate"}, envOf(nil), stdin(""), &bytes.Buffer{}); err == nil {
		t.Fatal("unknown command accepted")
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestCommands(t *testing.T) {
	t.Parallel()
	for _, dialect := range testutil.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			addr := freeAddr(t)
			vars := map[string]string{
				"SKILLGRID_DATABASE_URL":   testutil.NewDSN(t, dialect),
				"SKILLGRID_JWT_SECRET":     testutil.Secret,
				"SKILLGRID_ADDR":           addr,
				"SKILLGRID_ADMIN_EMAIL":    "root@city.go.kr",
				"SKILLGRID_ADMIN_PASSWORD": "bootstrap-password",
			}
			getenv := envOf(vars)
			var out bytes.Buffer
			if err := run(ctx, []string{"migrate", "status"}, getenv, stdin(""), &out); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "0 pending") || !strings.Contains(out.String(), "applied") {
				t.Fatalf("migrate status:\n%s", out.String())
			}
			status := func(want string) {
				t.Helper()
				out.Reset()
				if err := run(ctx, []string{"migrate", "status"}, getenv, stdin(""), &out); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(out.String(), want) {
					t.Fatalf("migrate status, want %q:\n%s", want, out.String())
				}
			}
			// down rolls back the last group of migrations applied together
			// (here all of them, applied by one up); serve migrates up first.
			if err := run(ctx, []string{"migrate", "down"}, getenv, stdin(""), &bytes.Buffer{}); err != nil {
				t.Fatal(err)
			}
			status("0 applied")
			stopServe := startServe(t, ctx, getenv, "http://"+addr)
			stopServe()
			status("0 pending")
			out.Reset()
			userCommands(t, ctx, getenv, &out)
			out.Reset()
			if err := run(ctx, []string{"seed", "--demo"}, getenv, stdin(""), &out); err != nil {
				t.Fatal(err)
			}
			first := out.String()
			out.Reset()
			if err := run(ctx, []string{"seed", "--demo"}, getenv, stdin(""), &out); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "loaded: 0 new records") || strings.Contains(first, "loaded: 0 new records") {
				t.Fatalf("seed is not idempotent: first %q, second %q", first, out.String())
			}

			// serve: bootstraps the admin, serves, and stops cleanly on a signal.
			base := "http://" + addr
			stopServe = startServe(t, ctx, getenv, base)
			for _, login := range []struct{ email, password string }{
				{"root@city.go.kr", "bootstrap-password"},
				{"kim@techno-park.kr", "instructor-2026"},
				{demo.Accounts[0].Email, demo.Password},
			} {
				body := fmt.Sprintf(`{"email":%q,"password":%q}`, login.email, login.password)
				res, err := http.Post(base+"/v1/auth/login", "application/json", strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				var pair map[string]any
				_ = json.NewDecoder(res.Body).Decode(&pair)
				res.Body.Close()
				if res.StatusCode != 200 || pair["access_token"] == nil {
					t.Fatalf("login %s: %d %v", login.email, res.StatusCode, pair)
				}
			}
			setPasswordEndsSessions(t, ctx, getenv, base)
			stopServe()
		})
	}
}

// userCommands: user create reads the password from standard input or a
// file, never from the command line, and says clearly what is wrong.
func userCommands(t *testing.T, ctx context.Context, getenv func(string) string, out *bytes.Buffer) {
	t.Helper()
	create := func(in string, args ...string) error {
		return run(ctx, append([]string{"user", "create"}, args...), getenv, stdin(in), out)
	}
	if err := create("instructor-2026\n", "--role", "instructor", "--email", "kim@techno-park.kr", "--name", "김강사"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(file, []byte("file-password-2026\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := create("", "--role", "admin", "--email", "lee@techno-park.kr", "--name", "이운영", "--password-file", file); err != nil {
		t.Fatal(err)
	}
	if err := create("long-enough-pw\n", "--role", "trainee", "--email", "x@y.kr", "--name", "X"); err == nil {
		t.Fatal("user create made a trainee")
	}
	err := create("short\n", "--role", "admin", "--email", "nobody", "--name", "X")
	if err == nil || !strings.Contains(err.Error(), "email: must be an email address") || !strings.Contains(err.Error(), "password: must be at least 10 characters") {
		t.Fatalf("user create with a bad email and password: %v", err)
	}
	err = create("", "--role", "admin", "--email", "park@techno-park.kr", "--name", "X")
	if err == nil || !strings.Contains(err.Error(), "no password") {
		t.Fatalf("user create without a password: %v", err)
	}
	err = create("", "--role", "admin", "--email", "park@techno-park.kr", "--name", "X", "--password-file", filepath.Join(t.TempDir(), "missing"))
	if err == nil || !strings.Contains(err.Error(), "--password-file") {
		t.Fatalf("user create with a missing password file: %v", err)
	}
	// The password is no longer a flag: it would show in ps and history.
	err = create("", "--role", "admin", "--email", "park@techno-park.kr", "--password", "on-the-command-line", "--name", "X")
	if err == nil || !strings.Contains(err.Error(), "-password") {
		t.Fatalf("user create --password: %v", err)
	}
}

// setPasswordEndsSessions: user set-password sets the password read from
// standard input and ends every session of the account at once.
func setPasswordEndsSessions(t *testing.T, ctx context.Context, getenv func(string) string, base string) {
	t.Helper()
	login := func(email, password string) (int, map[string]any) {
		t.Helper()
		body := fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)
		res, err := http.Post(base+"/v1/auth/login", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var pair map[string]any
		_ = json.NewDecoder(res.Body).Decode(&pair)
		return res.StatusCode, pair
	}
	me := func(token string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+"/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	status, pair := login("lee@techno-park.kr", "file-password-2026")
	if status != 200 {
		t.Fatalf("login with the password from the file: %d %v", status, pair)
	}
	token, _ := pair["access_token"].(string)
	if got := me(token); got != 200 {
		t.Fatalf("GET /v1/me before set-password: %d", got)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"user", "set-password", "--email", "LEE@techno-park.kr"}, getenv, stdin("a-new-password-2026\n"), &out); err != nil {
		t.Fatal(err)
	}
	if got := me(token); got != 401 {
		t.Fatalf("GET /v1/me with a token of an ended session: %d, want 401", got)
	}
	if status, _ := login("lee@techno-park.kr", "file-password-2026"); status != 401 {
		t.Fatalf("login with the old password: %d, want 401", status)
	}
	if status, pair := login("lee@techno-park.kr", "a-new-password-2026"); status != 200 {
		t.Fatalf("login with the new password: %d %v", status, pair)
	}
	for name, c := range map[string]struct {
		args []string
		in   string
		want string
	}{
		"unknown email": {[]string{"--email", "nobody@techno-park.kr"}, "a-new-password-2026\n", "no account"},
		"short":         {[]string{"--email", "lee@techno-park.kr"}, "short\n", "password: must be at least 10 characters"},
		"no password":   {[]string{"--email", "lee@techno-park.kr"}, "", "no password"},
		"no email":      {nil, "a-new-password-2026\n", "--email is required"},
	} {
		err := run(ctx, append([]string{"user", "set-password"}, c.args...), getenv, stdin(c.in), &out)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("set-password, %s: %v, want an error saying %q", name, err, c.want)
		}
	}
	if status, _ := login("lee@techno-park.kr", "a-new-password-2026"); status != 200 {
		t.Fatalf("a refused set-password changed the password: login %d", status)
	}
}

// startServe runs `skillgrid serve` until the returned function, which
// stops it as a signal would and fails the test unless it ends cleanly.
func startServe(t *testing.T, ctx context.Context, getenv func(string) string, base string) func() {
	t.Helper()
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- run(sctx, []string{"serve"}, getenv, stdin(""), &bytes.Buffer{}) }()
	waitUp(t, base+"/readyz")
	return func() {
		t.Helper()
		stop()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("serve did not stop")
		}
	}
}

func waitUp(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never became ready", url)
}

// TestServeMovesMetricsToTheirOwnAddress: with SKILLGRID_METRICS_ADDR,
// serve answers /metrics there and not on the public port.
func TestServeMovesMetricsToTheirOwnAddress(t *testing.T) {
	t.Parallel()
	addr, metricsAddr := freeAddr(t), freeAddr(t)
	getenv := envOf(map[string]string{
		"SKILLGRID_DATABASE_URL": testutil.NewDSN(t, testutil.SQLite),
		"SKILLGRID_JWT_SECRET":   testutil.Secret,
		"SKILLGRID_ADDR":         addr,
		"SKILLGRID_METRICS_ADDR": metricsAddr,
	})
	stop := startServe(t, context.Background(), getenv, "http://"+addr)
	defer stop()
	get := func(url string) (int, string) {
		t.Helper()
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b bytes.Buffer
		_, _ = b.ReadFrom(res.Body)
		return res.StatusCode, b.String()
	}
	if status, _ := get("http://" + addr + "/metrics"); status != http.StatusNotFound {
		t.Errorf("public /metrics: %d, want 404", status)
	}
	status, body := get("http://" + metricsAddr + "/metrics")
	if status != http.StatusOK || !strings.Contains(body, "go_goroutines") || !strings.Contains(body, `path="/readyz"`) {
		t.Errorf("internal /metrics: %d\n%.500s", status, body)
	}
}
