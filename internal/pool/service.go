package pool

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/privacy"
)

// Levels reads trainees' levels per track; the catalogue provides it, so
// the pool shows and filters by the same rule as enrolment.
type Levels interface {
	LevelsOf(ctx context.Context, idb bun.IDB, traineeIDs []string) (map[string]map[string]int, error)
}

// Tracks refuses a track filter naming no track; the catalogue provides
// it, as it owns the tracks.
type Tracks interface {
	CheckTrackFilter(ctx context.Context, field, code string) error
}

// Views records which company read which graduates (PIPA: a graduate
// sees who viewed them); privacy provides it.
type Views interface {
	Record(ctx context.Context, idb bun.IDB, companyID string, kind privacy.ViewKind, at time.Time, graduateIDs []string) error
	// RecordExport records that the company's export exportID, begun at
	// at, held the graduates; an export calls it once per chunk, with
	// last set on its last.
	RecordExport(ctx context.Context, idb bun.IDB, exportID, companyID string, at time.Time, graduateIDs []string, last bool) error
}

// Demands counts a hire against the demand it fills, in the hire's
// transaction; employer demand (internal/demand) provides it.
type Demands interface {
	Fill(ctx context.Context, tx bun.IDB, actorID, companyID, demandID string, now time.Time) error
}

// Service holds the rules of the graduate pool.
type Service struct {
	DB     *bun.DB
	Store  Store
	Levels Levels
	Tracks Tracks
	// Views records every read of the pool by a company: required.
	Views   Views
	Demands Demands
	Now     func() time.Time
	// ExportChunk is how many graduates an export reads per query;
	// DefaultExportChunk unless a test sets it small.
	ExportChunk int
}

// New returns the pool's service over d, reading levels and tracks from the
// catalogue, recording companies' reads in views and counting hires
// against employer demand's demands.
func New(d *bun.DB, levels Levels, tracks Tracks, views Views, demands Demands, now func() time.Time) *Service {
	return &Service{DB: d, Store: Store{}, Levels: levels, Tracks: tracks, Views: views, Demands: demands, Now: now, ExportChunk: DefaultExportChunk}
}

// approvedCompany is the caller's company if it is approved; a pending or
// rejected company is refused (403 company_not_approved).
func (s *Service) approvedCompany(ctx context.Context, actor auth.Actor) (company, error) {
	if actor.Role != auth.Company {
		return company{}, apperr.Forbidden("role_not_allowed", msg.RoleNotAllowed)
	}
	c, err := s.Store.companyOfUser(ctx, s.DB, actor.ID)
	if err != nil {
		return company{}, err
	}
	if c.Status != account.CompanyApproved {
		return company{}, apperr.Forbidden("company_not_approved",
			msg.CompanyNotApproved, "status", c.Status)
	}
	return c, nil
}

// ApprovedCompany is the id of the caller's company if it is approved;
// any other role, or a pending or rejected company, is refused (403).
// Employer demand asks it too, so one rule says who acts for a company.
func (s *Service) ApprovedCompany(ctx context.Context, actor auth.Actor) (string, error) {
	c, err := s.approvedCompany(ctx, actor)
	return c.ID, err
}

// MayUse answers 403 unless the actor is an operator or an approved
// company. The HTTP layer asks it before reading a request's filters or
// body, so an unapproved company learns nothing but that it is not
// approved; each service method checks again for the company it needs.
func (s *Service) MayUse(ctx context.Context, actor auth.Actor) error {
	return s.maySearch(ctx, actor)
}

// maySearch lets operators and approved companies search the pool.
func (s *Service) maySearch(ctx context.Context, actor auth.Actor) error {
	_, err := s.viewer(ctx, actor)
	return err
}

// viewer lets operators and approved companies read the pool, and names
// the company whose reads are recorded ("" for an operator, whose reads
// the audit of their changes covers).
func (s *Service) viewer(ctx context.Context, actor auth.Actor) (string, error) {
	if actor.Role == auth.Admin {
		return "", nil
	}
	c, err := s.approvedCompany(ctx, actor)
	return c.ID, err
}

// recordViews records that the company read the graduates gs; operators'
// reads ("" company) are not recorded.
func (s *Service) recordViews(ctx context.Context, companyID string, kind privacy.ViewKind, gs []Graduate) error {
	if companyID == "" || len(gs) == 0 {
		return nil
	}
	ids := make([]string, len(gs))
	for i, g := range gs {
		ids[i] = g.ID
	}
	return s.Views.Record(ctx, s.DB, companyID, kind, s.Now().UTC(), ids)
}
