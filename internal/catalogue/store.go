package catalogue

import (
	"context"
	"strings"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// Store is the SQL of tracks, courses, cohorts, placements and the reads of
// enrolments that levels and seat counts need, in one file per concern
// beside the rules it serves (tracks_store.go, courses_store.go,
// cohorts_store.go, levels_store.go). It holds nothing: every method runs
// on the handle it is given (the database or a transaction).
type Store struct{}

// escapeLike makes s match literally inside a LIKE pattern escaped by \.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// account is what the catalogue checks of a user it is given by id.
type account struct {
	Role   string `bun:"role"`
	Active bool   `bun:"active"`
}

// user reads the role of the user with the id and whether the account is
// active (a deactivated account keeps its role).
func (s Store) user(ctx context.Context, idb bun.IDB, id string) (account, error) {
	var u account
	if err := idb.NewSelect().Table("users").Column("role", "active").Where("id = ?", id).Scan(ctx, &u); err != nil {
		return u, db.NotFound(err, msg.NotFoundUser)
	}
	return u, nil
}
