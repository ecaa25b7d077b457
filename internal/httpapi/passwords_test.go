package httpapi_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// sidOf reads the session a token belongs to (the server checked it; the
// test only looks).
func sidOf(t *testing.T, token string) string {
	t.Helper()
	var c auth.Claims
	if _, _, err := jwt.NewParser().ParseUnverified(token, &c); err != nil {
		t.Fatalf("parse token: %v", err)
	}
	return c.SessionID
}

// login signs u in afresh: a new session.
func login(t *testing.T, e *testutil.Env, email, password string) auth.TokenPair {
	t.Helper()
	var p auth.TokenPair
	e.Post("/v1/auth/login", "", map[string]any{"email": email, "password": password}).Want(t, http.StatusOK).JSON(t, &p)
	return p
}

func auditCount(t *testing.T, e *testutil.Env, action, userID string) int {
	t.Helper()
	return countRows(t, e, "audit_events", "action = ? AND entity = 'user' AND entity_id = ?", action, userID)
}

func TestChangePasswordEndsEveryOtherSession(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		other := login(t, e, u.Email, testutil.Password)
		bystander := e.NewUser(auth.Trainee)
		const next = "a-brand-new-password"

		e.Post("/v1/me/password", "", map[string]any{"current_password": testutil.Password, "new_password": next}).
			WantProblem(t, http.StatusUnauthorized, "unauthorized")
		e.Post("/v1/me/password", u.Token, map[string]any{"current_password": "not-my-password", "new_password": next}).
			WantProblem(t, http.StatusUnprocessableEntity, "current_password_wrong")
		p := e.Post("/v1/me/password", u.Token, map[string]any{"current_password": testutil.Password, "new_password": "short"}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if f := p.Fields(); len(f) != 1 || f[0] != "new_password" {
			t.Fatalf("fields %v, want [new_password]", f)
		}
		e.Post("/v1/me/password", u.Token, map[string]any{"current_password": testutil.Password}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		// None of the refusals changed anything.
		e.Get("/v1/me", other.AccessToken).Want(t, http.StatusOK)
		if n := auditCount(t, e, "user.password_changed", u.ID); n != 0 {
			t.Fatalf("%d audit events after refusals", n)
		}

		e.Post("/v1/me/password", u.Token, map[string]any{"current_password": testutil.Password, "new_password": next}).
			Want(t, http.StatusNoContent)
		// The other session ends at once: its access and refresh tokens.
		e.Get("/v1/me", other.AccessToken).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		e.Post("/v1/auth/refresh", "", map[string]any{"refresh_token": other.RefreshToken}).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		// The session that asked stays signed in, and can still refresh.
		e.Get("/v1/me", u.Token).Want(t, http.StatusOK)
		var rotated auth.TokenPair
		e.Post("/v1/auth/refresh", "", map[string]any{"refresh_token": u.Refresh}).Want(t, http.StatusOK).JSON(t, &rotated)
		e.Get("/v1/me", rotated.AccessToken).Want(t, http.StatusOK)
		// Someone else's session is untouched.
		e.Get("/v1/me", bystander.Token).Want(t, http.StatusOK)
		// Only the new password signs in.
		e.Post("/v1/auth/login", "", map[string]any{"email": u.Email, "password": testutil.Password}).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		login(t, e, u.Email, next)
		if n := auditCount(t, e, "user.password_changed", u.ID); n != 1 {
			t.Fatalf("%d password_changed audit events, want 1", n)
		}
	})
}

func TestPasswordResetNeverRevealsAccounts(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		gone := e.NewUser(auth.Trainee)
		e.Patch("/v1/users/"+gone.ID, e.AdminToken(), map[string]any{"active": false}).Want(t, http.StatusOK)

		known := e.Post("/v1/auth/password-reset", "", map[string]any{"email": u.Email}).Want(t, http.StatusAccepted)
		unknown := e.Post("/v1/auth/password-reset", "", map[string]any{"email": "nobody@example.kr"}).Want(t, http.StatusAccepted)
		e.Post("/v1/auth/password-reset", "", map[string]any{"email": gone.Email}).Want(t, http.StatusAccepted)
		if string(known.Body) != string(unknown.Body) {
			t.Fatalf("known and unknown accounts answer differently: %q, %q", known.Body, unknown.Body)
		}
		// A token exists for the active account only, and only as a hash.
		if n := countRows(t, e, "password_resets", "1 = 1"); n != 1 {
			t.Fatalf("%d reset tokens, want 1", n)
		}
		var created, expires time.Time
		if err := e.DB.NewSelect().Table("password_resets").Column("created_at", "expires_at").Where("user_id = ?", u.ID).
			Scan(context.Background(), &created, &expires); err != nil {
			t.Fatal(err)
		}
		if got := expires.Sub(created); got != auth.ResetTokenTTL {
			t.Fatalf("reset token lives %v, want %v", got, auth.ResetTokenTTL)
		}
		if n := auditCount(t, e, "user.password_reset_requested", u.ID); n != 1 {
			t.Fatalf("%d reset-request audit events, want 1", n)
		}
		e.Post("/v1/auth/password-reset", "", map[string]any{"email": "not-an-email"}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
	})
}

func TestPasswordResetConfirm(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		ctx := context.Background()
		u := e.NewUser(auth.Trainee)
		other := login(t, e, u.Email, testutil.Password)
		token, err := e.App.Auth.RequestReset(ctx, u.Email, "192.0.2.1")
		if err != nil || token == "" {
			t.Fatalf("request reset: %q, %v", token, err)
		}
		if n := countRows(t, e, "password_resets", "token_hash = ?", token); n != 0 {
			t.Fatal("the raw reset token is stored")
		}
		const next = "reset-password-2026"

		p := e.Post("/v1/auth/password-reset/confirm", "", map[string]any{"token": token, "new_password": "short"}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if f := p.Fields(); len(f) != 1 || f[0] != "new_password" {
			t.Fatalf("fields %v, want [new_password]", f)
		}
		e.Post("/v1/auth/password-reset/confirm", "", map[string]any{"token": "never-issued", "new_password": next}).
			WantProblem(t, http.StatusBadRequest, "reset_token_invalid")
		e.Get("/v1/me", u.Token).Want(t, http.StatusOK) // nothing changed yet

		e.Post("/v1/auth/password-reset/confirm", "", map[string]any{"token": token, "new_password": next}).Want(t, http.StatusNoContent)
		// Every session ends: access and refresh tokens of both.
		for _, tok := range []string{u.Token, other.AccessToken} {
			e.Get("/v1/me", tok).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		}
		for _, tok := range []string{u.Refresh, other.RefreshToken} {
			e.Post("/v1/auth/refresh", "", map[string]any{"refresh_token": tok}).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		}
		e.Post("/v1/auth/login", "", map[string]any{"email": u.Email, "password": testutil.Password}).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		login(t, e, u.Email, next)
		if n := auditCount(t, e, "user.password_reset", u.ID); n != 1 {
			t.Fatalf("%d password_reset audit events, want 1", n)
		}

		// Single use.
		e.Post("/v1/auth/password-reset/confirm", "", map[string]any{"token": token, "new_password": "yet-another-password"}).
			WantProblem(t, http.StatusBadRequest, "reset_token_invalid")

		// Expired after 30 minutes.
		late, err := e.App.Auth.RequestReset(ctx, u.Email, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		e.Clock.Advance(auth.ResetTokenTTL + time.Second)
		e.Post("/v1/auth/password-reset/confirm", "", map[string]any{"token": late, "new_password": "yet-another-password"}).
			WantProblem(t, http.StatusBadRequest, "reset_token_invalid")

		// A token asked for before a password change dies with the change.
		early, err := e.App.Auth.RequestReset(ctx, u.Email, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		fresh := login(t, e, u.Email, next)
		e.Post("/v1/me/password", fresh.AccessToken, map[string]any{"current_password": next, "new_password": "changed-again-2026"}).
			Want(t, http.StatusNoContent)
		e.Post("/v1/auth/password-reset/confirm", "", map[string]any{"token": early, "new_password": "yet-another-password"}).
			WantProblem(t, http.StatusBadRequest, "reset_token_invalid")
		login(t, e, u.Email, "changed-again-2026")

		// A deactivated account cannot use a token it asked for before.
		held, err := e.App.Auth.RequestReset(ctx, u.Email, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		e.Patch("/v1/users/"+u.ID, e.AdminToken(), map[string]any{"active": false}).Want(t, http.StatusOK)
		e.Post("/v1/auth/password-reset/confirm", "", map[string]any{"token": held, "new_password": "yet-another-password"}).
			WantProblem(t, http.StatusBadRequest, "reset_token_invalid")
	})
}

// wantLimited checks a 429 with a Retry-After within the hour.
func wantLimited(t *testing.T, res *testutil.Response) {
	t.Helper()
	res.WantProblem(t, http.StatusTooManyRequests, "rate_limited")
	wait, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || wait <= 0 || wait > 3600 {
		t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
	}
}

func TestRegistrationAndResetsAreLimitedPerAddress(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		reset := map[string]any{"email": u.Email}
		confirm := map[string]any{"token": "never-issued", "new_password": "long-enough-pw"}
		register := func(i int) *testutil.Response {
			return e.Post("/v1/auth/register", "", map[string]any{
				"email": "t" + strconv.Itoa(i) + "@example.kr", "password": "long-enough-pw", "name": "T", "role": "trainee",
			})
		}
		for i := 0; i < 10; i++ {
			e.Post("/v1/auth/password-reset", "", reset).Want(t, http.StatusAccepted)
			e.Post("/v1/auth/password-reset/confirm", "", confirm).WantProblem(t, http.StatusBadRequest, "reset_token_invalid")
			register(i).Want(t, http.StatusCreated)
		}
		wantLimited(t, e.Post("/v1/auth/password-reset", "", reset))
		wantLimited(t, e.Post("/v1/auth/password-reset/confirm", "", confirm))
		wantLimited(t, register(10))
		if n := countRows(t, e, "users", "email = ?", "t10@example.kr"); n != 0 {
			t.Fatal("a refused registration made an account")
		}
		if n := countRows(t, e, "password_resets", "1 = 1"); n != 10 {
			t.Fatalf("%d reset tokens, want 10 (the refused request makes none)", n)
		}
		// Pruning after 15 minutes leaves the hour's counters alone.
		e.Clock.Advance(15*time.Minute + time.Second)
		if err := e.App.Prune(context.Background()); err != nil {
			t.Fatal(err)
		}
		wantLimited(t, e.Post("/v1/auth/password-reset", "", reset))
		// After the hour, each is allowed again.
		e.Clock.Advance(time.Hour)
		e.Post("/v1/auth/password-reset", "", reset).Want(t, http.StatusAccepted)
		e.Post("/v1/auth/password-reset/confirm", "", confirm).WantProblem(t, http.StatusBadRequest, "reset_token_invalid")
		register(10).Want(t, http.StatusCreated)
	})
}

// TestSessionsEndAtOnceAcrossProcesses: a second server process on the
// same database refuses an access token as soon as the first ends its
// session, by logout or by refresh-token reuse.
func TestSessionsEndAtOnceAcrossProcesses(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		other := testutil.NewOn(t, e.Dialect, e.DSN)
		u := e.NewUser(auth.Trainee)
		kept := login(t, e, u.Email, testutil.Password)

		// Logout on one process: the family's access tokens die on both.
		var rotated auth.TokenPair
		e.Post("/v1/auth/refresh", "", map[string]any{"refresh_token": u.Refresh}).Want(t, http.StatusOK).JSON(t, &rotated)
		other.Get("/v1/me", rotated.AccessToken).Want(t, http.StatusOK)
		e.Post("/v1/auth/logout", "", map[string]any{"refresh_token": rotated.RefreshToken}).Want(t, http.StatusNoContent)
		for _, tok := range []string{u.Token, rotated.AccessToken} {
			other.Get("/v1/me", tok).WantProblem(t, http.StatusUnauthorized, "unauthorized")
			e.Get("/v1/me", tok).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		}
		// The user's other session lives on.
		other.Get("/v1/me", kept.AccessToken).Want(t, http.StatusOK)

		// Reuse of a spent refresh token: the family's access tokens die.
		var next auth.TokenPair
		other.Post("/v1/auth/refresh", "", map[string]any{"refresh_token": kept.RefreshToken}).Want(t, http.StatusOK).JSON(t, &next)
		e.Get("/v1/me", next.AccessToken).Want(t, http.StatusOK)
		e.Post("/v1/auth/refresh", "", map[string]any{"refresh_token": kept.RefreshToken}).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		for _, tok := range []string{kept.AccessToken, next.AccessToken} {
			other.Get("/v1/me", tok).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		}

		// Deactivation still ends every session at once, on both.
		fresh := login(t, other, u.Email, testutil.Password)
		e.Get("/v1/me", fresh.AccessToken).Want(t, http.StatusOK)
		e.Patch("/v1/users/"+u.ID, e.AdminToken(), map[string]any{"active": false}).Want(t, http.StatusOK)
		other.Get("/v1/me", fresh.AccessToken).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		e.Patch("/v1/users/"+u.ID, e.AdminToken(), map[string]any{"active": true}).Want(t, http.StatusOK)
		other.Get("/v1/me", fresh.AccessToken).WantProblem(t, http.StatusUnauthorized, "unauthorized")
		if sidOf(t, fresh.AccessToken) == "" {
			t.Fatal("access token without sid")
		}
	})
}

// A stolen access token is no way round the failed-login limits: wrong
// current passwords count like wrong logins, on the same counters, and a
// right one forgets them like a right login does.
func TestWrongCurrentPasswordsCountAsFailedLogins(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		limit := e.App.Auth.Limits.AccountAddress.Max
		change := func(current string) *testutil.Response {
			return e.Post("/v1/me/password", u.Token, map[string]any{"current_password": current, "new_password": "a-brand-new-password"})
		}
		// A right change first: it leaves nothing counted.
		change(testutil.Password).Want(t, http.StatusNoContent)
		for i := 0; i < limit-1; i++ {
			change("not-my-password").WantProblem(t, http.StatusUnprocessableEntity, "current_password_wrong")
		}
		// One wrong login on the same counters fills the limit.
		e.Post("/v1/auth/login", "", map[string]any{"email": u.Email, "password": "not-my-password"}).
			WantProblem(t, http.StatusUnauthorized, "unauthorized")
		res := change("a-brand-new-password")
		res.WantProblem(t, http.StatusTooManyRequests, "rate_limited")
		if res.Header.Get("Retry-After") == "" {
			t.Fatal("429 without Retry-After")
		}
		e.Post("/v1/auth/login", "", map[string]any{"email": u.Email, "password": "a-brand-new-password"}).
			WantProblem(t, http.StatusTooManyRequests, "rate_limited")
		// Once the window has passed, the right current password works and
		// leaves the account's count at this address at zero.
		e.Clock.Advance(16 * time.Minute)
		change("a-brand-new-password").Want(t, http.StatusNoContent)
		for i := 0; i < limit-1; i++ {
			change("not-my-password").WantProblem(t, http.StatusUnprocessableEntity, "current_password_wrong")
		}
		login(t, e, u.Email, "a-brand-new-password")
	})
}
