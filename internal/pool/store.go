package pool

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// Store is the SQL of the pool: the graduate search and the reads of
// users, completions and skills it needs (search_store.go), contact
// requests and hires (contacts_store.go), and the caller's company. It
// holds no database handle: every method runs on the one it is given.
type Store struct {
	// WalkBudget is how many completions a search for a page walks, newest
	// first, before it looks for the rest of the page from the users' side
	// (see graduates and walkBudget); 0 means DefaultWalkBudget. Tests set
	// it small, so that a few hundred graduates cross from one side to the
	// other.
	WalkBudget int
}

// company is what the pool needs of a company account.
type company struct {
	ID     string `bun:"id"`
	Name   string `bun:"name"`
	Status string `bun:"status"`
}

func (s Store) companyOfUser(ctx context.Context, idb bun.IDB, userID string) (company, error) {
	var c company
	err := idb.NewSelect().Table("companies").Column("id", "name", "status").Where("user_id = ?", userID).Scan(ctx, &c)
	if err != nil {
		return c, db.NotFound(err, msg.NotFoundCompany)
	}
	return c, nil
}
