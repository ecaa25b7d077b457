package httpapi_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/bcrypt"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/config"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// behindProxy starts the app with the test transport's peer address
// (app.Test's 0.0.0.0) as a trusted proxy, so X-Forwarded-For names the
// client of each request.
func behindProxy(t *testing.T, d string) *testutil.Env {
	return testutil.New(t, d, func(c *config.Config) { c.TrustedProxies = []string{"0.0.0.0", "127.0.0.1"} })
}

// loginAt signs in as if from client address addr.
func loginAt(e *testutil.Env, addr, email, password string) *testutil.Response {
	e.T.Helper()
	return e.Do(testutil.Req{Method: http.MethodPost, Path: "/v1/auth/login",
		Body:   map[string]any{"email": email, "password": password},
		Header: map[string]string{"X-Forwarded-For": addr}})
}

// wantRetryAfter fails unless res is a 429 whose Retry-After is within
// (min, max] seconds.
func wantRetryAfter(t *testing.T, res *testutil.Response, min, max time.Duration) {
	t.Helper()
	res.WantProblem(t, http.StatusTooManyRequests, "rate_limited")
	wait, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || wait <= int(min.Seconds()) || wait > int(max.Seconds()) {
		t.Fatalf("Retry-After %q, want seconds in (%v, %v]", res.Header.Get("Retry-After"), min, max)
	}
}

func TestStrangersGuessesNeverLockTheOwnerOutFromElsewhere(t *testing.T) {
	t.Parallel()
	for _, d := range testutil.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := behindProxy(t, d)
			u := e.NewUser(auth.Trainee)
			limit := e.App.Auth.Limits.AccountAddress
			const stranger, owner = "203.0.113.7", "198.51.100.20"
			for i := 0; i < limit.Max; i++ {
				loginAt(e, stranger, u.Email, "wrong-password").WantProblem(t, http.StatusUnauthorized, "unauthorized")
			}
			// The sixth guess from the stranger's address is refused, and so
			// is the right password from there.
			wantRetryAfter(t, loginAt(e, stranger, u.Email, "wrong-password"), 0, limit.Window)
			wantRetryAfter(t, loginAt(e, stranger, u.Email, testutil.Password), 0, limit.Window)
			// The owner, elsewhere, signs in, and may still mistype there.
			loginAt(e, owner, u.Email, testutil.Password).Want(t, http.StatusOK)
			loginAt(e, owner, u.Email, "wrong-password").WantProblem(t, http.StatusUnauthorized, "unauthorized")
			loginAt(e, owner, u.Email, testutil.Password).Want(t, http.StatusOK)

			// A right password forgets its address's typos: after 4 typos and
			// a success, 5 more typos are allowed before the 429.
			for i := 0; i < limit.Max-1; i++ {
				loginAt(e, owner, u.Email, "wrong-password").WantProblem(t, http.StatusUnauthorized, "unauthorized")
			}
			loginAt(e, owner, u.Email, testutil.Password).Want(t, http.StatusOK)
			for i := 0; i < limit.Max; i++ {
				loginAt(e, owner, u.Email, "wrong-password").WantProblem(t, http.StatusUnauthorized, "unauthorized")
			}
			wantRetryAfter(t, loginAt(e, owner, u.Email, testutil.Password), 0, limit.Window)
		})
	}
}

func TestFailedLoginsPerAccountAcrossAddressesAreLimitedByTheHour(t *testing.T) {
	t.Parallel()
	for _, d := range testutil.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := behindProxy(t, d)
			u := e.NewUser(auth.Trainee)
			perPair := e.App.Auth.Limits.AccountAddress.Max
			limit := e.App.Auth.Limits.Account
			// 30 guesses spread over addresses, each within its own pair limit.
			for i := 0; i < limit.Max; i++ {
				addr := "203.0.113." + strconv.Itoa(i/perPair)
				loginAt(e, addr, u.Email, "wrong-password").WantProblem(t, http.StatusUnauthorized, "unauthorized")
			}
			// The account is now held for the hour, from any address, even
			// with the right password; the owner's earlier success does not
			// reset what the guesses counted.
			fresh := "198.51.100.99"
			wantRetryAfter(t, loginAt(e, fresh, u.Email, testutil.Password), 15*time.Minute, limit.Window)
			e.Clock.Advance(15*time.Minute + time.Second)
			wantRetryAfter(t, loginAt(e, fresh, u.Email, testutil.Password), 0, limit.Window)
			// Other accounts are untouched.
			v := e.NewUser(auth.Trainee)
			loginAt(e, fresh, v.Email, testutil.Password).Want(t, http.StatusOK)
			e.Clock.Advance(limit.Window)
			loginAt(e, fresh, u.Email, testutil.Password).Want(t, http.StatusOK)
		})
	}
}

func TestFailedLoginsPerAddressAllowAClassroomOfTypos(t *testing.T) {
	t.Parallel()
	for _, d := range testutil.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := behindProxy(t, d)
			limit := e.App.Auth.Limits.Address
			const centre, home = "203.0.113.50", "198.51.100.20"
			// A training centre: 25 trainees mistype 4 times each from one
			// shared address (100 failures), and the first 24 then sign in:
			// good logins never add to the count.
			n := limit.Max / 4
			users := make([]testutil.User, n+2)
			for i := range users {
				users[i] = e.NewUser(auth.Trainee)
			}
			for i, u := range users[:n] {
				for k := 0; k < 4; k++ {
					loginAt(e, centre, u.Email, "wrong-password").WantProblem(t, http.StatusUnauthorized, "unauthorized")
				}
				if i < n-1 {
					loginAt(e, centre, u.Email, testutil.Password).Want(t, http.StatusOK)
				}
			}
			// The 101st attempt is refused, and so is everyone from there,
			// for the rest of the 15-minute window; not from elsewhere.
			wantRetryAfter(t, loginAt(e, centre, testutil.Name("nobody")+"@example.kr", "wrong-password"), 0, limit.Window)
			wantRetryAfter(t, loginAt(e, centre, users[n].Email, testutil.Password), 0, limit.Window)
			loginAt(e, home, users[n].Email, testutil.Password).Want(t, http.StatusOK)
			e.Clock.Advance(limit.Window + time.Second)
			loginAt(e, centre, users[n+1].Email, testutil.Password).Want(t, http.StatusOK)
		})
	}
}

func TestConcurrentGuessesFromManyAddressesCannotPassTheAccountLimit(t *testing.T) {
	t.Parallel()
	for _, d := range testutil.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := behindProxy(t, d)
			u := e.NewUser(auth.Trainee)
			base := e.Serve()
			max := e.App.Auth.Limits.Account.Max
			guesses := max + 10
			statuses := make(chan int, guesses)
			var wg sync.WaitGroup
			for i := 0; i < guesses; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					statuses <- loginFrom(t, base, "203.0.113."+strconv.Itoa(i), u.Email, "wrong-password")
				}()
			}
			wg.Wait()
			close(statuses)
			got := map[int]int{}
			for s := range statuses {
				got[s]++
			}
			want := map[int]int{http.StatusUnauthorized: max, http.StatusTooManyRequests: guesses - max}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%d concurrent guesses from as many addresses (-want +got):\n%s", guesses, diff)
			}
		})
	}
}

var phcArgon2id = regexp.MustCompile(`^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func storedHash(t *testing.T, e *testutil.Env, email string) string {
	t.Helper()
	var h string
	if err := e.DB.NewSelect().Table("users").Column("password_hash").Where("email = ?", email).Scan(context.Background(), &h); err != nil {
		t.Fatal(err)
	}
	return h
}

func TestPasswordsAreStoredAsArgon2id(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		e.Post("/v1/auth/register", "", map[string]any{
			"email": "argon@example.kr", "password": "battery-2026!", "name": "아르곤", "role": "trainee",
		}).Want(t, http.StatusCreated)
		h := storedHash(t, e, "argon@example.kr")
		if !phcArgon2id.MatchString(h) {
			t.Fatalf("stored hash %q is not an argon2id PHC string", h)
		}
		e.Post("/v1/auth/login", "", map[string]any{"email": "argon@example.kr", "password": "battery-2026!"}).Want(t, http.StatusOK)
		if again := storedHash(t, e, "argon@example.kr"); again != h {
			t.Fatalf("a current hash was rewritten at login: %q -> %q", h, again)
		}
	})
}

func TestBcryptHashesAreUpgradedAtTheNextLogin(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		old, err := bcrypt.GenerateFromPassword([]byte(testutil.Password), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.DB.NewUpdate().Table("users").Set("password_hash = ?", string(old)).Where("id = ?", u.ID).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
		// A wrong password changes nothing.
		e.Post("/v1/auth/login", "", map[string]any{"email": u.Email, "password": "wrong-password"}).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		if h := storedHash(t, e, u.Email); h != string(old) {
			t.Fatalf("a failed login rewrote the hash: %q", h)
		}
		// A bcrypt hash never matches a password longer than bcrypt read.
		e.Post("/v1/auth/login", "", map[string]any{"email": u.Email, "password": testutil.Password + strings.Repeat("x", 60)}).
			WantProblem(t, http.StatusUnauthorized, "unauthorized")
		e.Post("/v1/auth/login", "", map[string]any{"email": u.Email, "password": testutil.Password}).Want(t, http.StatusOK)
		h := storedHash(t, e, u.Email)
		if !strings.HasPrefix(h, "$argon2id$") || !phcArgon2id.MatchString(h) {
			t.Fatalf("after login the stored hash is %q, want argon2id", h)
		}
		e.Post("/v1/auth/login", "", map[string]any{"email": u.Email, "password": testutil.Password}).Want(t, http.StatusOK)
		e.Post("/v1/auth/login", "", map[string]any{"email": u.Email, "password": "wrong-password"}).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		evs := auditEvents(t, e, u.ID)
		if len(evs) != 1 || evs[0].Action != "user.password_rehashed" || evs[0].ActorID == nil || *evs[0].ActorID != u.ID {
			t.Fatalf("audit events %+v", evs)
		}
		if evs[0].Before == nil || evs[0].After == nil || strings.Contains(*evs[0].After, "$argon2id$") || strings.Contains(*evs[0].Before, string(old)) {
			t.Fatalf("the audit trail holds a hash: %+v", evs[0])
		}
	})
}

func TestAFullHashingQueueAnswers503AndOtherRequestsGoOn(t *testing.T) {
	t.Parallel()
	for _, d := range testutil.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			// One slot and one place in the queue.
			e := testutil.NewWithHashing(t, d, 1, 1)
			u := e.NewUser(auth.Trainee)
			admin := e.AdminToken()
			base := e.Serve()
			hasher := e.App.Auth.Hasher
			release, err := hasher.Hold(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			queued := make(chan int, 1)
			go func() { queued <- loginFrom(t, base, "", u.Email, testutil.Password) }()
			for deadline := time.Now().Add(10 * time.Second); hasher.Waiting() != 1; time.Sleep(time.Millisecond) {
				if time.Now().After(deadline) {
					release()
					t.Fatal("the login never queued for a hashing slot")
				}
			}
			// With the slot taken and the queue full, the rest of the API
			// answers, and password work is refused at once with 503.
			e.Get("/v1/levels", "").Want(t, http.StatusOK)
			e.Get("/v1/me", u.Token).Want(t, http.StatusOK)
			for _, r := range []testutil.Req{
				{Method: http.MethodPost, Path: "/v1/auth/login", Body: map[string]any{"email": u.Email, "password": testutil.Password}},
				{Method: http.MethodPost, Path: "/v1/auth/login", Body: map[string]any{"email": "nobody@example.kr", "password": "wrong-password"}},
				{Method: http.MethodPost, Path: "/v1/auth/register", Body: map[string]any{"email": "late@example.kr", "password": "battery-2026!", "name": "늦은", "role": "trainee"}},
				{Method: http.MethodPost, Path: "/v1/users", Token: admin, Body: map[string]any{"email": "staff@example.kr", "password": "battery-2026!", "name": "직원", "role": "instructor"}},
			} {
				res := e.Do(r)
				res.WantProblem(t, http.StatusServiceUnavailable, "unavailable")
				if res.Header.Get("Retry-After") != "1" {
					t.Fatalf("%s: Retry-After %q, want 1", r.Path, res.Header.Get("Retry-After"))
				}
			}
			select {
			case s := <-queued:
				t.Fatalf("the queued login answered %d while the slot was held", s)
			default:
			}
			release()
			if s := <-queued; s != http.StatusOK {
				t.Fatalf("the queued login answered %d once the slot was free", s)
			}
			// Refused attempts counted nothing against the limits, and
			// nothing was stored for the refused accounts.
			if n := countRows(t, e, "users", "email IN (?, ?)", "late@example.kr", "staff@example.kr"); n != 0 {
				t.Fatalf("%d refused accounts were stored", n)
			}
			if n := countRows(t, e, "rate_counters", "hits > 0"); n != 0 {
				t.Fatalf("%d counters hold hits from refused or good logins", n)
			}
			e.Post("/v1/auth/login", "", map[string]any{"email": u.Email, "password": testutil.Password}).Want(t, http.StatusOK)
		})
	}
}
