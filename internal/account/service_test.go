package account_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/platform/ratelimit"
)

type levels struct{}

func (levels) TraineeLevels(context.Context, bun.IDB, string) (map[string]int, error) {
	return map[string]int{}, nil
}

type sessions struct{}

func (sessions) RevokeUser(context.Context, bun.IDB, string) error { return nil }

// TestNewRequiresEveryDependency: the accounts service used to read
// trainees' levels only if they had been wired; now it is not made
// without them.
func TestNewRequiresEveryDependency(t *testing.T) {
	t.Parallel()
	d := bun.NewDB(&sql.DB{}, sqlitedialect.New())
	hasher, err := auth.NewHasher(auth.HashOptions{Params: auth.HashParams{Memory: 64, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	limiter := ratelimit.Limiter{DB: d, Name: "register", Max: 1, Window: time.Hour}
	users := account.Store{}
	if _, err := account.New(d, users, hasher, sessions{}, nil, limiter, time.Now); err == nil {
		t.Error("New without levels made a service")
	}
	if _, err := account.New(d, users, hasher, nil, levels{}, limiter, time.Now); err == nil {
		t.Error("New without sessions made a service")
	}
	if _, err := account.New(d, users, nil, sessions{}, levels{}, limiter, time.Now); err == nil {
		t.Error("New without a hasher made a service")
	}
	if s, err := account.New(d, users, hasher, sessions{}, levels{}, limiter, time.Now); err != nil || s == nil {
		t.Errorf("New with every dependency: %v", err)
	}
}
