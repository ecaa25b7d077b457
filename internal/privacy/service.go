package privacy

import (
	"context"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/page"
)

// Passwords confirms a signed-in user's password (with the failed-login
// limits); auth provides it.
type Passwords interface {
	ConfirmPassword(ctx context.Context, a auth.Actor, password, addr string) error
}

// Sessions ends a user's sessions inside the caller's transaction; auth
// provides it.
type Sessions interface {
	RevokeUser(ctx context.Context, idb bun.IDB, userID string) error
}

// Hasher makes the password hash an erased account is left with: of a
// random secret nobody knows, so that no password opens it again.
type Hasher interface {
	Hash(ctx context.Context, password string) (string, error)
}

// Levels reads a trainee's level per track; the catalogue provides it.
type Levels interface {
	TraineeLevels(ctx context.Context, idb bun.IDB, traineeID string) (map[string]int, error)
}

// Service holds the rules of users' personal-information rights. Make it
// with New.
type Service struct {
	db        *bun.DB
	store     Store
	passwords Passwords
	sessions  Sessions
	hasher    Hasher
	levels    Levels
	now       func() time.Time
}

// New is the privacy service over d; every dependency is required.
func New(d *bun.DB, passwords Passwords, sessions Sessions, hasher Hasher, levels Levels, now func() time.Time) (*Service, error) {
	if d == nil || passwords == nil || sessions == nil || hasher == nil || levels == nil || now == nil {
		return nil, errors.New("privacy.New: the database, passwords, sessions, the hasher, levels and the clock are required")
	}
	return &Service{db: d, passwords: passwords, sessions: sessions, hasher: hasher, levels: levels, now: now}, nil
}

// Consents is one page of the caller's consent history, oldest first.
func (s *Service) Consents(ctx context.Context, actor auth.Actor, p page.Params) (page.Page[Consent], error) {
	after, err := timeKey(p.After)
	if err != nil {
		return page.Page[Consent]{}, err
	}
	cs, err := s.store.consents(ctx, s.db, actor.ID, after, p.Limit+1)
	if err != nil {
		return page.Page[Consent]{}, err
	}
	return page.Build(cs, p.Limit, func(c Consent) []string { return []string{c.At.UTC().Format(time.RFC3339Nano), c.ID} }), nil
}

// ProfileViews is one page of the reads of the caller's pool entry by
// companies, newest first.
func (s *Service) ProfileViews(ctx context.Context, actor auth.Actor, p page.Params) (page.Page[ProfileView], error) {
	after, err := timeKey(p.After)
	if err != nil {
		return page.Page[ProfileView]{}, err
	}
	vs, err := s.store.profileViews(ctx, s.db, actor.ID, after, p.Limit+1)
	if err != nil {
		return page.Page[ProfileView]{}, err
	}
	return page.Build(vs, p.Limit, func(v ProfileView) []string { return []string{v.At.UTC().Format(time.RFC3339Nano), v.ID} }), nil
}

// position is a keyset position in a list ordered by time, then id.
type position struct {
	At time.Time
	ID string
}

// timeKey reads a cursor of a list keyed on (time, id).
func timeKey(after []string) (*position, error) {
	after, err := page.Key(after, 2)
	if err != nil || after == nil {
		return nil, err
	}
	at, err := time.Parse(time.RFC3339Nano, after[0])
	if err != nil {
		return nil, apperr.BadRequest("invalid_cursor", msg.InvalidCursor)
	}
	return &position{At: at, ID: after[1]}, nil
}
