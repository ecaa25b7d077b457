package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// session is one sign-in: a refresh-token family and the access tokens
// issued in it, which name it in their sid claim.
type session struct {
	bun.BaseModel `bun:"table:sessions"`

	ID          string     `bun:"id,pk"`
	UserID      string     `bun:"user_id"`
	CreatedAt   time.Time  `bun:"created_at"`
	RefreshedAt *time.Time `bun:"refreshed_at"`
	RevokedAt   *time.Time `bun:"revoked_at"`
}

// sessionScope picks the sessions to end: one session (ID), or every
// session of a user (UserID) except perhaps one (Except).
type sessionScope struct {
	ID     string
	UserID string
	Except string
}

// sessionUser is what an authenticated request needs to know, read in one
// query: the session's user, whether that user is active, and whether the
// session has ended.
type sessionUser struct {
	SessionID string     `bun:"session_id"`
	ID        string     `bun:"id"`
	Role      Role       `bun:"role"`
	Active    bool       `bun:"active"`
	RevokedAt *time.Time `bun:"revoked_at"`
}

func (Store) insertSession(ctx context.Context, idb bun.IDB, s *session) error {
	if _, err := idb.NewInsert().Model(s).Exec(ctx); err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

// sessionUsers reads the sessions of ids, each joined with its user, in
// one statement; a session that does not exist is left out. Every
// authenticated request needs one, and the requests in flight share a
// read (Service.sessionBatch), so it is a prepared statement on
// PostgreSQL (db.Query) whose cost grows with the sessions asked for, one
// primary-key lookup each.
func (Store) sessionUsers(ctx context.Context, idb bun.IDB, ids []string) (map[string]sessionUser, error) {
	var rows []sessionUser
	in, list := db.In(idb, 0, ids)
	err := db.Query(ctx, idb, &rows, `SELECT s.id AS session_id, u.id, u.role, u.active, s.revoked_at
FROM sessions AS s JOIN users AS u ON u.id = s.user_id
WHERE s.id `+in, list)
	if err != nil {
		return nil, fmt.Errorf("read %d sessions: %w", len(ids), err)
	}
	out := make(map[string]sessionUser, len(rows))
	for _, r := range rows {
		out[r.SessionID] = r
	}
	return out, nil
}

// touchSession records a refresh in a live session. It reports false when
// the session has ended. The conditional update takes the session's row
// lock, so a refresh and a revocation of one session take turns: either the
// refresh sees the revocation, or the revocation, coming after, also revokes
// the refresh token that the refresh made.
func (Store) touchSession(ctx context.Context, idb bun.IDB, id string, now time.Time) (bool, error) {
	ok, err := db.ChangedOne(ctx, idb.NewUpdate().Model((*session)(nil)).
		Set("refreshed_at = ?", now).
		Where("id = ?", id).Where("revoked_at IS NULL"))
	if err != nil {
		return false, fmt.Errorf("touch session: %w", err)
	}
	return ok, nil
}

// endSessions revokes the sessions in scope and their refresh tokens,
// sessions first (see touchSession).
func (Store) endSessions(ctx context.Context, idb bun.IDB, scope sessionScope, now time.Time) error {
	sq := idb.NewUpdate().Model((*session)(nil)).Set("revoked_at = ?", now).Where("revoked_at IS NULL")
	tq := idb.NewUpdate().Model((*refreshToken)(nil)).Set("revoked_at = ?", now).Where("revoked_at IS NULL")
	switch {
	case scope.ID != "":
		sq, tq = sq.Where("id = ?", scope.ID), tq.Where("family_id = ?", scope.ID)
	case scope.UserID != "":
		sq, tq = sq.Where("user_id = ?", scope.UserID), tq.Where("user_id = ?", scope.UserID)
		if scope.Except != "" {
			sq, tq = sq.Where("id <> ?", scope.Except), tq.Where("family_id <> ?", scope.Except)
		}
	default:
		return fmt.Errorf("end sessions: empty scope")
	}
	if _, err := sq.Exec(ctx); err != nil {
		return fmt.Errorf("end sessions: %w", err)
	}
	if _, err := tq.Exec(ctx); err != nil {
		return fmt.Errorf("revoke refresh tokens: %w", err)
	}
	return nil
}
