package httpapi_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/config"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// forge signs claims for the user with key and method, so each test can
// break exactly one property of an otherwise valid token.
func forge(t *testing.T, method jwt.SigningMethod, key any, mutate func(c *auth.Claims)) string {
	t.Helper()
	now := time.Now()
	c := &auth.Claims{
		Role: "trainee",
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: auth.Issuer, Subject: "", Audience: jwt.ClaimStrings{auth.Audience},
			IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)), ID: "jti-1",
		},
	}
	mutate(c)
	s, err := jwt.NewWithClaims(method, c).SignedString(key)
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return s
}

func TestAccessTokensAreCheckedWhole(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		secret := []byte(testutil.Secret)
		sid := sidOf(t, u.Token)
		sub := func(c *auth.Claims) { c.Subject, c.SessionID = u.ID, sid }
		stranger := e.NewUser(auth.Trainee)
		valid := forge(t, jwt.SigningMethodHS256, secret, sub)
		e.Get("/v1/me", valid).Want(t, http.StatusOK)

		parts := strings.Split(valid, ".")
		tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"`+u.ID+`","role":"admin"}`)) + "." + parts[2]
		none := forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, sub)
		cases := map[string]string{
			"no token":  "",
			"garbage":   "not-a-jwt",
			"tampered":  tampered,
			"alg none":  none,
			"wrong key": forge(t, jwt.SigningMethodHS256, []byte("another-secret-another-secret-0000"), sub),
			"HS512":     forge(t, jwt.SigningMethodHS512, secret, sub),
			"expired":   forge(t, jwt.SigningMethodHS256, secret, func(c *auth.Claims) { sub(c); c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-time.Minute)) }),
			"no exp":    forge(t, jwt.SigningMethodHS256, secret, func(c *auth.Claims) { sub(c); c.ExpiresAt = nil }),
			"issued in the future": forge(t, jwt.SigningMethodHS256, secret, func(c *auth.Claims) {
				sub(c)
				c.IssuedAt, c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(time.Hour)), jwt.NewNumericDate(time.Now().Add(2*time.Hour))
			}),
			"wrong audience":  forge(t, jwt.SigningMethodHS256, secret, func(c *auth.Claims) { sub(c); c.Audience = jwt.ClaimStrings{"someone-else"} }),
			"wrong issuer":    forge(t, jwt.SigningMethodHS256, secret, func(c *auth.Claims) { sub(c); c.Issuer = "evil" }),
			"no jti":          forge(t, jwt.SigningMethodHS256, secret, func(c *auth.Claims) { sub(c); c.ID = "" }),
			"unknown subject": forge(t, jwt.SigningMethodHS256, secret, func(c *auth.Claims) { c.Subject = "01937a4e-5b7c-7d2a-9f10-3c4d5e6f7a8b" }),
			"role escalation": forge(t, jwt.SigningMethodHS256, secret, func(c *auth.Claims) { sub(c); c.Role = "admin" }),
			"no sid":          forge(t, jwt.SigningMethodHS256, secret, func(c *auth.Claims) { sub(c); c.SessionID = "" }),
			"unknown sid":     forge(t, jwt.SigningMethodHS256, secret, func(c *auth.Claims) { sub(c); c.SessionID = "01937a4e-5b7c-7d2a-9f10-3c4d5e6f7a8b" }),
			"another user's sid": forge(t, jwt.SigningMethodHS256, secret, func(c *auth.Claims) {
				sub(c)
				c.SessionID = sidOf(t, stranger.Token)
			}),
			"lives a century": forge(t, jwt.SigningMethodHS256, secret, func(c *auth.Claims) {
				sub(c)
				c.ExpiresAt = jwt.NewNumericDate(time.Now().AddDate(100, 0, 0))
			}),
			"lives a second longer than the TTL": forge(t, jwt.SigningMethodHS256, secret, func(c *auth.Claims) {
				sub(c)
				c.ExpiresAt = jwt.NewNumericDate(c.IssuedAt.Add(e.Config.AccessTokenTTL + time.Second))
			}),
		}
		for name, tok := range cases {
			t.Run(name, func(t *testing.T) {
				res := e.Get("/v1/me", tok)
				res.WantProblem(t, http.StatusUnauthorized, "unauthorized")
				if !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("401 without a Bearer challenge: %q", res.Header.Get("WWW-Authenticate"))
				}
			})
		}
	})
}

func TestRolesAreEnforced(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		trainee := e.NewUser(auth.Trainee)
		e.Get("/v1/users", trainee.Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Post("/v1/users", trainee.Token, map[string]any{
			"email": "x@example.kr", "password": "long-enough-pw", "name": "X", "role": "admin",
		}).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Get("/v1/companies", trainee.Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Get("/v1/users", "").WantProblem(t, http.StatusUnauthorized, "unauthorized")
	})
}

func TestSelfRegistrationCannotPickPrivilegedRoles(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		for _, role := range []string{"admin", "instructor", "root"} {
			p := e.Post("/v1/auth/register", "", map[string]any{
				"email": role + "@example.kr", "password": "long-enough-pw", "name": "X", "role": role,
			}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
			if got := p.Fields(); len(got) != 1 || got[0] != "role" {
				t.Errorf("role %s: fields %v, want [role]", role, got)
			}
		}
		e.Post("/v1/auth/login", "", map[string]any{"email": "admin@example.kr", "password": "long-enough-pw"}).
			WantProblem(t, http.StatusUnauthorized, "unauthorized")
	})
}

func TestPatchMeCannotChangeRole(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		e.Patch("/v1/me", u.Token, map[string]any{"role": "admin"}).WantProblem(t, http.StatusBadRequest, "unknown_field")
		e.Patch("/v1/me", u.Token, map[string]any{"name": "New", "role": "admin"}).WantProblem(t, http.StatusBadRequest, "unknown_field")
		me := e.Get("/v1/me", u.Token).Want(t, http.StatusOK).Map(t)
		if me["role"] != "trainee" || me["name"] == "New" {
			t.Fatalf("a refused patch changed the profile: %v", me)
		}
		e.Get("/v1/users", u.Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")
	})
}

func TestRefreshReuseRevokesTheFamily(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		var second auth.TokenPair
		e.Post("/v1/auth/refresh", "", map[string]any{"refresh_token": u.Refresh}).Want(t, http.StatusOK).JSON(t, &second)
		// The first token is spent: presenting it again is theft.
		e.Post("/v1/auth/refresh", "", map[string]any{"refresh_token": u.Refresh}).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		// ... so the legitimate newer token of the same family is dead too.
		e.Post("/v1/auth/refresh", "", map[string]any{"refresh_token": second.RefreshToken}).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		// Another session of the same user is untouched.
		other, err := e.App.Auth.IssueFor(context.Background(), u.ID, auth.Trainee)
		if err != nil {
			t.Fatal(err)
		}
		e.Post("/v1/auth/refresh", "", map[string]any{"refresh_token": other.RefreshToken}).Want(t, http.StatusOK)
		e.Post("/v1/auth/refresh", "", map[string]any{"refresh_token": "never-issued"}).WantProblem(t, http.StatusUnauthorized, "unauthorized")
	})
}

func TestRefreshTokensExpire(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		e.Clock.Advance(e.Config.RefreshTokenTTL + time.Second)
		e.Post("/v1/auth/refresh", "", map[string]any{"refresh_token": u.Refresh}).WantProblem(t, http.StatusUnauthorized, "unauthorized")
	})
}

func TestLogoutRevokesTheFamily(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		var next auth.TokenPair
		e.Post("/v1/auth/refresh", "", map[string]any{"refresh_token": u.Refresh}).Want(t, http.StatusOK).JSON(t, &next)
		e.Post("/v1/auth/logout", "", map[string]any{"refresh_token": next.RefreshToken}).Want(t, http.StatusNoContent)
		e.Post("/v1/auth/refresh", "", map[string]any{"refresh_token": next.RefreshToken}).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		e.Post("/v1/auth/logout", "", map[string]any{"refresh_token": "never-issued"}).WantProblem(t, http.StatusUnauthorized, "unauthorized")
	})
}

func TestDeactivationKillsTokensAtOnce(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		e.Get("/v1/me", u.Token).Want(t, http.StatusOK)
		res := e.Patch("/v1/users/"+u.ID, e.AdminToken(), map[string]any{"active": false}).Want(t, http.StatusOK).Map(t)
		if res["active"] != false {
			t.Fatalf("deactivated user shows %v", res)
		}
		e.Get("/v1/me", u.Token).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		e.Post("/v1/auth/refresh", "", map[string]any{"refresh_token": u.Refresh}).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		e.Post("/v1/auth/login", "", map[string]any{"email": u.Email, "password": testutil.Password}).WantProblem(t, http.StatusUnauthorized, "unauthorized")

		// Reactivation lets them sign in again; old refresh tokens stay dead.
		e.Patch("/v1/users/"+u.ID, e.AdminToken(), map[string]any{"active": true}).Want(t, http.StatusOK)
		e.Post("/v1/auth/login", "", map[string]any{"email": u.Email, "password": testutil.Password}).Want(t, http.StatusOK)
		e.Post("/v1/auth/refresh", "", map[string]any{"refresh_token": u.Refresh}).WantProblem(t, http.StatusUnauthorized, "unauthorized")
	})
}

func TestFailedLoginsAreLimited(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		bad := map[string]any{"email": u.Email, "password": "wrong-password"}
		limit := e.App.Auth.Limits.AccountAddress
		for i := 0; i < limit.Max; i++ {
			e.Post("/v1/auth/login", "", bad).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		}
		res := e.Post("/v1/auth/login", "", bad)
		res.WantProblem(t, http.StatusTooManyRequests, "rate_limited")
		wait, err := strconv.Atoi(res.Header.Get("Retry-After"))
		if err != nil || wait <= 0 || wait > int(limit.Window.Seconds()) {
			t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
		}
		// Locked even with the right password, until the window passes.
		good := map[string]any{"email": u.Email, "password": testutil.Password}
		e.Post("/v1/auth/login", "", good).WantProblem(t, http.StatusTooManyRequests, "rate_limited")
		e.Clock.Advance(limit.Window + time.Second)
		e.Post("/v1/auth/login", "", good).Want(t, http.StatusOK)
	})
}

func TestConcurrentGuessesCannotPassTheAccountLimit(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		base := e.Serve()
		const guesses = 12
		statuses := make(chan int, guesses)
		var wg sync.WaitGroup
		for i := 0; i < guesses; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses <- loginFrom(t, base, "", u.Email, "wrong-password")
			}()
		}
		wg.Wait()
		close(statuses)
		got := map[int]int{}
		for s := range statuses {
			got[s]++
		}
		max := e.App.Auth.Limits.AccountAddress.Max
		want := map[int]int{http.StatusUnauthorized: max, http.StatusTooManyRequests: guesses - max}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%d concurrent guesses at one account (-want +got):\n%s", guesses, diff)
		}
	})
}

func TestFailedLoginsAreLimitedPerAddress(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		// Guessing across many accounts from one address trips the address limit.
		for i := 0; i < e.App.Auth.Limits.Address.Max; i++ {
			e.Post("/v1/auth/login", "", map[string]any{"email": testutil.Name("nobody") + "@example.kr", "password": "wrong-password"}).
				WantProblem(t, http.StatusUnauthorized, "unauthorized")
		}
		u := e.NewUser(auth.Trainee)
		e.Post("/v1/auth/login", "", map[string]any{"email": u.Email, "password": testutil.Password}).
			WantProblem(t, http.StatusTooManyRequests, "rate_limited")
	})
}

func TestPassedWindowsArePruned(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		ctx := context.Background()
		for i := 0; i < 3; i++ {
			e.Post("/v1/auth/login", "", map[string]any{"email": testutil.Name("nobody") + "@example.kr", "password": "wrong-password"}).
				WantProblem(t, http.StatusUnauthorized, "unauthorized")
		}
		e.Get("/v1/certificates/ABCD-EFGH-JKMN-PQRS", "").WantProblem(t, http.StatusNotFound, "not_found")
		// Per guess: the account at the address, the account, the address
		// (shared by the three); and one certificate-lookup counter.
		const all = 3*2 + 1 + 1
		if n := countRows(t, e, "rate_counters", "1 = 1"); n != all {
			t.Fatalf("before: %d counters, want %d", n, all)
		}
		// Still inside their windows: nothing goes.
		if err := e.App.Prune(ctx); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, e, "rate_counters", "1 = 1"); n != all {
			t.Fatalf("live counters pruned: %d left", n)
		}
		// Past the 15-minute windows, only the hour-long per-account counts stay.
		e.Clock.Advance(e.App.Auth.Limits.Address.Window + time.Second)
		if err := e.App.Prune(ctx); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, e, "rate_counters", "1 = 1"); n != 3 {
			t.Fatalf("after 15 minutes: %d counters left, want the 3 hour-long ones", n)
		}
		e.Clock.Advance(e.App.Auth.Limits.Account.Window)
		if err := e.App.Prune(ctx); err != nil {
			t.Fatal(err)
		}
		if n := countRows(t, e, "rate_counters", "1 = 1"); n != 0 {
			t.Fatalf("after the windows: %d counters left", n)
		}
	})
}

func TestSuccessfulLoginsFromOneAddressAreNotThrottled(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		// A training centre's shared network: many good logins from one address.
		users := make([]testutil.User, 5)
		for i := range users {
			users[i] = e.NewUser(auth.Trainee)
		}
		for round := 0; round < 10; round++ {
			for _, u := range users {
				e.Post("/v1/auth/login", "", map[string]any{"email": u.Email, "password": testutil.Password}).Want(t, http.StatusOK)
			}
		}
	})
}

func TestWrongEmailAndWrongPasswordAnswerAlike(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		a := e.Post("/v1/auth/login", "", map[string]any{"email": u.Email, "password": "wrong-password"}).Problem(t)
		b := e.Post("/v1/auth/login", "", map[string]any{"email": "nobody@example.kr", "password": "wrong-password"}).Problem(t)
		if diff := cmp.Diff(a, b); diff != "" {
			t.Fatalf("wrong email and wrong password answer differently (-password +email):\n%s", diff)
		}
	})
}

func loginFrom(t *testing.T, base, forwardedFor, email, password string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/v1/auth/login",
		strings.NewReader(`{"email":"`+email+`","password":"`+password+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", forwardedFor)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func TestClientAddressBehindATrustedProxy(t *testing.T) {
	t.Parallel()
	for _, d := range testutil.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			// The load balancer (here, loopback) is trusted: X-Forwarded-For
			// names the client, so one client's guessing does not lock out the
			// others behind the same balancer.
			e := testutil.New(t, d, func(c *config.Config) { c.TrustedProxies = []string{"127.0.0.1"} })
			u := e.NewUser(auth.Trainee)
			base := e.Serve()
			for i := 0; i < e.App.Auth.Limits.Address.Max; i++ {
				if s := loginFrom(t, base, "203.0.113.7", testutil.Name("nobody")+"@example.kr", "wrong-password"); s != http.StatusUnauthorized {
					t.Fatalf("guess %d answered %d", i, s)
				}
			}
			if s := loginFrom(t, base, "203.0.113.7", u.Email, testutil.Password); s != http.StatusTooManyRequests {
				t.Fatalf("the guessing client got %d, want 429", s)
			}
			if s := loginFrom(t, base, "198.51.100.20", u.Email, testutil.Password); s != http.StatusOK {
				t.Fatalf("another client behind the balancer got %d, want 200", s)
			}
			// The balancer appends the address it saw; what stands to its left
			// is the client's own claim. A client that writes a fresh address
			// there for every guess is still counted by its real one, also
			// through a second trusted hop.
			w := e.NewUser(auth.Trainee)
			for i := 0; i < e.App.Auth.Limits.Address.Max; i++ {
				hops := "10.9.8." + strconv.Itoa(i) + ", 192.0.2.50"
				if i%2 == 1 {
					hops += ", 127.0.0.1"
				}
				if s := loginFrom(t, base, hops, testutil.Name("nobody")+"@example.kr", "wrong-password"); s != http.StatusUnauthorized {
					t.Fatalf("guess %d answered %d", i, s)
				}
			}
			if s := loginFrom(t, base, "10.9.9.9, 192.0.2.50", w.Email, testutil.Password); s != http.StatusTooManyRequests {
				t.Fatalf("a client that spoofs the left of X-Forwarded-For dodged the limit: %d", s)
			}
			if s := loginFrom(t, base, "192.0.2.50, 198.51.100.21", w.Email, testutil.Password); s != http.StatusOK {
				t.Fatalf("a client whose spoofed claim names the guesser got %d, want 200", s)
			}

			// Without trusted proxies the header is the client's own claim and
			// is ignored: changing it does not dodge the limit.
			plain := testutil.New(t, d)
			v := plain.NewUser(auth.Trainee)
			base = plain.Serve()
			for i := 0; i < e.App.Auth.Limits.Address.Max; i++ {
				loginFrom(t, base, "203.0.113."+strconv.Itoa(i), testutil.Name("nobody")+"@example.kr", "wrong-password")
			}
			if s := loginFrom(t, base, "198.51.100.20", v.Email, testutil.Password); s != http.StatusTooManyRequests {
				t.Fatalf("a spoofed X-Forwarded-For dodged the limit: %d", s)
			}
		})
	}
}
