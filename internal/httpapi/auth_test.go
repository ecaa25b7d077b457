package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

func TestRegisterLoginMeRefresh(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		res := e.Post("/v1/auth/register", "", map[string]any{
			"email": "Minjun@Example.kr", "password": "battery-2026!", "name": "최민준", "role": "trainee",
		}).Want(t, http.StatusCreated).Map(t)
		if res["email"] != "minjun@example.kr" || res["role"] != "trainee" || res["pool_opt_in"] != false {
			t.Fatalf("registered profile %v", res)
		}
		var pair auth.TokenPair
		e.Post("/v1/auth/login", "", map[string]any{"email": "minjun@example.kr", "password": "battery-2026!"}).
			Want(t, http.StatusOK).JSON(t, &pair)
		if pair.TokenType != "Bearer" || pair.ExpiresIn != 900 || pair.AccessToken == "" || pair.RefreshToken == "" {
			t.Fatalf("token pair %+v", pair)
		}
		me := e.Get("/v1/me", pair.AccessToken).Want(t, http.StatusOK).Map(t)
		if me["name"] != "최민준" || me["id"] != res["id"] {
			t.Fatalf("me %v", me)
		}
		var next auth.TokenPair
		e.Post("/v1/auth/refresh", "", map[string]any{"refresh_token": pair.RefreshToken}).Want(t, http.StatusOK).JSON(t, &next)
		if next.RefreshToken == pair.RefreshToken {
			t.Fatal("refresh did not rotate the refresh token")
		}
		e.Get("/v1/me", next.AccessToken).Want(t, http.StatusOK)
	})
}
