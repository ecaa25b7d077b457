package privacy

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/platform/ids"
)

// ViewKind is how a company read a graduate's pool entry.
type ViewKind string

// The kinds of profile view.
const (
	ViewSearch ViewKind = "search" // in a page of search results
	ViewRead   ViewKind = "read"   // GET /v1/graduates/{id}
	ViewExport ViewKind = "export" // in a CSV or XLSX export
)

// ProfileView is one read of a graduate's pool entry by a company.
type ProfileView struct {
	bun.BaseModel `bun:"table:profile_views,alias:pv"`

	ID          string    `bun:"id,pk" json:"-"`
	GraduateID  string    `bun:"graduate_id" json:"-"`
	CompanyID   string    `bun:"company_id" json:"company_id"`
	CompanyName string    `bun:"company_name,scanonly" json:"company_name"`
	Kind        ViewKind  `bun:"kind" json:"kind"`
	At          time.Time `bun:"at" json:"at"`
}

// Views records companies' reads of the pool. The pool calls it for every
// answer a company gets; it needs nothing but the handle it is given.
type Views struct{}

// Record writes that the company read the graduates (once each, however
// often an id repeats) at the time at, in one statement: a page of search
// results costs one insert, not one per graduate.
func (Views) Record(ctx context.Context, idb bun.IDB, companyID string, kind ViewKind, at time.Time, graduateIDs []string) error {
	if len(graduateIDs) == 0 {
		return nil
	}
	seen := make(map[string]bool, len(graduateIDs))
	rows := make([]ProfileView, 0, len(graduateIDs))
	for _, g := range graduateIDs {
		if seen[g] {
			continue
		}
		seen[g] = true
		rows = append(rows, ProfileView{ID: ids.New(), GraduateID: g, CompanyID: companyID, Kind: kind, At: at.UTC()})
	}
	if _, err := idb.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return fmt.Errorf("record %d profile views by %s: %w", len(rows), companyID, err)
	}
	return nil
}
