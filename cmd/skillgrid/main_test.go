package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/skillgrid/skillgrid/internal/demo"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestBadConfigurationNamesTheVariable(t *testing.T) {
	cases := map[string][]string{
		"SKILLGRID_LOG_LEVEL":    {"SKILLGRID_LOG_LEVEL", "loud"},
		"SKILLGRID_DATABASE_URL": {"SKILLGRID_DATABASE_URL", "oracle://x"},
		"SKILLGRID_JWT_SECRET":   {"SKILLGRID_JWT_SECRET", "short"},
	}
	for name, kv := range cases {
		err := run(context.Background(), []string{"serve"}, envOf(map[string]string{kv[0]: kv[1]}), &bytes.Buffer{})
		if err == nil || !strings.HasPrefix(err.Error(), name) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	// serve refuses to start without a secret unless --dev.
	dsn := "sqlite://" + t.TempDir() + "/x.db"
	err := run(context.Background(), []string{"serve"}, envOf(map[string]string{"SKILLGRID_DATABASE_URL": dsn}), &bytes.Buffer{})
	if err == nil || !strings.HasPrefix(err.Error(), "SKILLGRID_JWT_SECRET") {
		t.Fatalf("serve without a secret: %v", err)
	}
	if err := run(context.Background(), []string{"frobnicate"}, envOf(nil), &bytes.Buffer{}); err == nil {
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
			if err := run(ctx, []string{"migrate", "status"}, getenv, &out); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out.String(), "0 pending") || !strings.Contains(out.String(), "applied") {
				t.Fatalf("migrate status:\n%s", out.String())
			}
			status := func(want string) {
				t.Helper()
				out.Reset()
				if err := run(ctx, []string{"migrate", "status"}, getenv, &out); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(out.String(), want) {
					t.Fatalf("migrate status, want %q:\n%s", want, out.String())
				}
			}
			// down rolls back the last group of migrations applied together
			// (here all of them, applied by one up); serve migrates up first.
			if err := run(ctx, []string{"migrate", "down"}, getenv, &bytes.Buffer{}); err != nil {
				t.Fatal(err)
			}
			status("0 applied")
			stopServe := startServe(t, ctx, getenv, "http://"+addr)
			stopServe()
			status("0 pending")
			out.Reset()
			if err := run(ctx, []string{"user", "create", "--role", "instructor", "--email", "kim@techno-park.kr", "--password", "instructor-2026", "--name", "김강사"}, getenv, &out); err != nil {
				t.Fatal(err)
			}
			if err := run(ctx, []string{"user", "create", "--role", "trainee", "--email", "x@y.kr", "--password", "long-enough-pw", "--name", "X"}, getenv, &out); err == nil {
				t.Fatal("user create made a trainee")
			}
			err := run(ctx, []string{"user", "create", "--role", "admin", "--email", "nobody", "--password", "short", "--name", "X"}, getenv, &out)
			if err == nil || !strings.Contains(err.Error(), "email: must be an email address") || !strings.Contains(err.Error(), "password: must be at least 10 characters") {
				t.Fatalf("user create with a bad email and password: %v", err)
			}
			out.Reset()
			if err := run(ctx, []string{"seed", "--demo"}, getenv, &out); err != nil {
				t.Fatal(err)
			}
			first := out.String()
			out.Reset()
			if err := run(ctx, []string{"seed", "--demo"}, getenv, &out); err != nil {
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
			stopServe()
		})
	}
}

// startServe runs `skillgrid serve` until the returned function, which
// stops it as a signal would and fails the test unless it ends cleanly.
func startServe(t *testing.T, ctx context.Context, getenv func(string) string, base string) func() {
	t.Helper()
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- run(sctx, []string{"serve"}, getenv, &bytes.Buffer{}) }()
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
