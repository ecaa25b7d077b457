package demand

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/platform/page"
	"github.com/skillgrid/skillgrid/internal/platform/skills"
	"github.com/skillgrid/skillgrid/internal/pool"
)

// Pool is what demands need of the graduate pool: the caller's approved
// company, and graduates' pool entries in the pool's one shape.
type Pool interface {
	ApprovedCompany(ctx context.Context, actor auth.Actor) (string, error)
	Entries(ctx context.Context, idb bun.IDB, ids []string) ([]pool.Graduate, error)
}

// Tracks refuses a track that does not exist; the catalogue provides it.
type Tracks interface {
	CheckTrackFilter(ctx context.Context, field, code string) error
}

// Service holds the rules of employer demand.
type Service struct {
	db     *bun.DB
	store  Store
	pool   Pool
	tracks Tracks
	now    func() time.Time
}

// NewService is the demand service over d.
func NewService(d *bun.DB, p Pool, t Tracks, now func() time.Time) *Service {
	return &Service{db: d, pool: p, tracks: t, now: now}
}

// Create posts a demand of the caller's approved company; it is open.
// The graduates matching it already are remembered as known: the company
// reads them in its matches, and only later matches are announced.
// Audited as demand.created.
func (s *Service) Create(ctx context.Context, actor auth.Actor, in NewDemand) (Demand, error) {
	companyID, err := s.pool.ApprovedCompany(ctx, actor)
	if err != nil {
		return Demand{}, err
	}
	in.Track = strings.ToLower(strings.TrimSpace(in.Track))
	if err := s.tracks.CheckTrackFilter(ctx, "track", in.Track); err != nil {
		return Demand{}, err
	}
	now := s.now().UTC()
	r := row{
		ID: ids.New(), CompanyID: companyID, CreatedBy: actor.ID, Title: strings.TrimSpace(in.Title),
		Track: in.Track, MinLevel: in.MinLevel, SkillsJSON: skillsJSON(skills.Normalise(in.Skills)),
		Headcount: in.Headcount, Region: region(in.Region), NeededBy: in.NeededBy,
		Description: strings.TrimSpace(in.Description), Status: Open, CreatedAt: now, UpdatedAt: now, FactsAt: now,
	}
	var out Demand
	err = db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.insert(ctx, tx, &r); err != nil {
			return err
		}
		got, err := s.store.get(ctx, tx, r.ID, false)
		if err != nil {
			return err
		}
		out = got.demand()
		if err := audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "demand.created", Entity: "demand", EntityID: r.ID, After: out,
		}); err != nil {
			return err
		}
		if err := s.store.refreshFacts(ctx, tx, got, nil); err != nil {
			return err
		}
		return s.store.rememberMatches(ctx, tx, got, now, true)
	})
	if err != nil {
		return Demand{}, err
	}
	return out, nil
}

// region is the stored form of a region: nil for none.
func region(v string) *string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	return &v
}

// changer is the company whose demands the caller may change: its
// approved company, or "" for an operator (any demand). It is read before
// the change's transaction: SQLite has one connection for both.
func (s *Service) changer(ctx context.Context, actor auth.Actor) (string, error) {
	if actor.Role == auth.Admin {
		return "", nil
	}
	return s.pool.ApprovedCompany(ctx, actor)
}

// mayChange reads demand id locked for a change by the caller, who acts
// for companyID (see changer); another company's demand is 404. A closed
// demand does not change (409 demand_closed).
func (s *Service) mayChange(ctx context.Context, tx bun.IDB, companyID, id string) (row, error) {
	if !ids.Valid(id) {
		return row{}, apperr.NotFound(msg.NotFoundDemand)
	}
	r, err := s.store.get(ctx, tx, id, true)
	if err != nil {
		return row{}, err
	}
	if companyID != "" && r.CompanyID != companyID {
		return row{}, apperr.NotFound(msg.NotFoundDemand)
	}
	if r.Status != Open {
		return row{}, apperr.Conflict("demand_closed", msg.DemandClosed)
	}
	return r, nil
}

// Update changes an open demand of the caller's company (or, for an
// operator, any open demand). The headcount may not go below the places
// already filled (409 headcount_below_filled); a headcount that equals
// them closes the demand. Graduates the new criteria bring in are
// remembered as known, like at creation. Audited as demand.updated.
func (s *Service) Update(ctx context.Context, actor auth.Actor, id string, p Patch) (Demand, error) {
	companyID, err := s.changer(ctx, actor)
	if err != nil {
		return Demand{}, err
	}
	if p.Track != nil {
		t := strings.ToLower(strings.TrimSpace(*p.Track))
		p.Track = &t
		if err := s.tracks.CheckTrackFilter(ctx, "track", t); err != nil {
			return Demand{}, err
		}
	}
	now := s.now().UTC()
	var out Demand
	err = db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		r, err := s.mayChange(ctx, tx, companyID, id)
		if err != nil {
			return err
		}
		before := r.demand()
		apply(&r, p)
		if r.Headcount < r.Filled {
			return apperr.Conflict("headcount_below_filled", msg.DemandHeadcountBelowFilled, "filled", r.Filled)
		}
		if r.Headcount == r.Filled {
			r.Status, r.ClosedAt = Closed, &now
		}
		r.UpdatedAt, r.FactsAt = now, now
		if err := s.store.update(ctx, tx, &r); err != nil {
			return err
		}
		got, err := s.store.get(ctx, tx, r.ID, false)
		if err != nil {
			return err
		}
		out = got.demand()
		if err := audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "demand.updated", Entity: "demand", EntityID: r.ID, Before: before, After: out,
		}); err != nil {
			return err
		}
		if err := s.store.refreshFacts(ctx, tx, got, nil); err != nil {
			return err
		}
		return s.store.rememberMatches(ctx, tx, got, now, false)
	})
	if err != nil {
		return Demand{}, err
	}
	return out, nil
}

func apply(r *row, p Patch) {
	if p.Title != nil {
		r.Title = strings.TrimSpace(*p.Title)
	}
	if p.Track != nil {
		r.Track = *p.Track
	}
	if p.MinLevel != nil {
		r.MinLevel = *p.MinLevel
	}
	if p.Skills != nil {
		r.SkillsJSON = skillsJSON(skills.Normalise(*p.Skills))
	}
	if p.Headcount != nil {
		r.Headcount = *p.Headcount
	}
	if p.Region != nil {
		r.Region = region(*p.Region)
	}
	if p.NeededBy != nil {
		r.NeededBy = *p.NeededBy
	}
	if p.Description != nil {
		r.Description = strings.TrimSpace(*p.Description)
	}
}

// Close closes an open demand of the caller's company (or any, for an
// operator): it no longer lists for trainees nor counts in the gap
// report. Audited as demand.closed.
func (s *Service) Close(ctx context.Context, actor auth.Actor, id string) (Demand, error) {
	companyID, err := s.changer(ctx, actor)
	if err != nil {
		return Demand{}, err
	}
	now := s.now().UTC()
	var out Demand
	err = db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		r, err := s.mayChange(ctx, tx, companyID, id)
		if err != nil {
			return err
		}
		r.Status, r.ClosedAt, r.UpdatedAt = Closed, &now, now
		if err := s.store.update(ctx, tx, &r); err != nil {
			return err
		}
		out = r.demand()
		return audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "demand.closed", Entity: "demand", EntityID: r.ID,
			Before: map[string]any{"status": Open}, After: map[string]any{"status": Closed},
		})
	})
	if err != nil {
		return Demand{}, err
	}
	return out, nil
}

// viewer is who is reading demands: an operator sees all, a company its
// own, a graduate of the pool the open demands their levels match.
type viewer struct {
	admin     bool
	companyID string
	levels    map[string]int // a trainee's, nil for others
}

func (s *Service) viewerOf(ctx context.Context, actor auth.Actor) (viewer, error) {
	switch actor.Role {
	case auth.Admin:
		return viewer{admin: true}, nil
	case auth.Company:
		id, err := s.pool.ApprovedCompany(ctx, actor)
		return viewer{companyID: id}, err
	case auth.Trainee:
		gs, err := s.pool.Entries(ctx, s.db, []string{actor.ID})
		if err != nil {
			return viewer{}, err
		}
		v := viewer{levels: map[string]int{}}
		if len(gs) == 1 {
			v.levels = gs[0].Levels
		}
		return v, nil
	}
	return viewer{}, apperr.Forbidden("role_not_allowed", msg.RoleNotAllowed)
}

// sees reports whether v may read demand r.
func (v viewer) sees(r row) bool {
	switch {
	case v.admin:
		return true
	case v.companyID != "":
		return r.CompanyID == v.companyID
	case v.levels != nil:
		return r.Status == Open && Matches(r.MinLevel, v.levels[r.Track])
	}
	return false
}

// List is one page of the demands the caller may see, newest first: an
// operator all of them, a company its own, a trainee in the pool the open
// ones they match (none for a trainee outside the pool).
func (s *Service) List(ctx context.Context, actor auth.Actor, f Filter, p page.Params) (page.Page[Demand], error) {
	v, err := s.viewerOf(ctx, actor)
	if err != nil {
		return page.Page[Demand]{}, err
	}
	after, err := idCursor(p.After)
	if err != nil {
		return page.Page[Demand]{}, err
	}
	rows, err := s.store.list(ctx, s.db, v.companyID, v.levels, f, after, p.Limit+1)
	if err != nil {
		return page.Page[Demand]{}, err
	}
	out := make([]Demand, len(rows))
	for i, r := range rows {
		out[i] = r.demand()
	}
	return page.Build(out, p.Limit, func(d Demand) []string { return []string{d.ID} }), nil
}

// Get is one demand the caller may see; any other is 404.
func (s *Service) Get(ctx context.Context, actor auth.Actor, id string) (Demand, error) {
	r, err := s.visible(ctx, actor, id)
	if err != nil {
		return Demand{}, err
	}
	return r.demand(), nil
}

func (s *Service) visible(ctx context.Context, actor auth.Actor, id string) (row, error) {
	v, err := s.viewerOf(ctx, actor)
	if err != nil {
		return row{}, err
	}
	if !ids.Valid(id) {
		return row{}, apperr.NotFound(msg.NotFoundDemand)
	}
	r, err := s.store.get(ctx, s.db, id, false)
	if err != nil {
		return row{}, err
	}
	if !v.sees(r) {
		return row{}, apperr.NotFound(msg.NotFoundDemand)
	}
	return r, nil
}

// Matches is one page of the graduates matching a demand of the caller's
// company (any demand, for an operator), best fit first, each with the
// factors of their score. The database ranks them (Store.matches) and
// this page's entries are read from the pool, so a graduate who opts out
// is gone at once.
func (s *Service) Matches(ctx context.Context, actor auth.Actor, id string, p page.Params) (page.Page[Match], error) {
	if actor.Role != auth.Admin && actor.Role != auth.Company {
		return page.Page[Match]{}, apperr.Forbidden("role_not_allowed", msg.RoleNotAllowed)
	}
	r, err := s.visible(ctx, actor, id)
	if err != nil {
		return page.Page[Match]{}, err
	}
	after, err := matchCursor(p.After)
	if err != nil {
		return page.Page[Match]{}, err
	}
	now := s.now().UTC()
	var out page.Page[Match]
	err = db.InTxWith(ctx, s.db, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}, func(ctx context.Context, tx bun.Tx) error {
		rows, err := s.store.matches(ctx, tx, r, now, after, p.Limit+1)
		if err != nil {
			return err
		}
		kp := page.Build(rows, p.Limit, func(c scored) []string { return []string{strconv.Itoa(c.Score), c.ID} })
		idList := make([]string, len(kp.Items))
		for i, c := range kp.Items {
			idList[i] = c.ID
		}
		gs, err := s.pool.Entries(ctx, tx, idList)
		if err != nil {
			return err
		}
		byID := make(map[string]pool.Graduate, len(gs))
		for _, g := range gs {
			byID[g.ID] = g
		}
		out = page.Page[Match]{Items: []Match{}, NextCursor: kp.NextCursor}
		for _, c := range kp.Items {
			g, ok := byID[c.ID]
			if !ok {
				continue
			}
			f, _ := Score(r.need(), c.candidate(), now)
			if f.Total() != c.Score {
				return fmt.Errorf("demand %s: graduate %s scored %d by the query and %d by the rule", r.ID, c.ID, c.Score, f.Total())
			}
			out.Items = append(out.Items, Match{Graduate: g, Score: c.Score, Factors: f})
		}
		return nil
	})
	if err != nil {
		return page.Page[Match]{}, err
	}
	return out, nil
}

// RefreshOverlap is how far before a demand's last refresh the next one
// looks for changed trainees: a change whose transaction began before a
// refresh but committed after it is still caught by the next.
const RefreshOverlap = time.Minute

// AnnounceNewMatches brings every open demand's match facts up to date for
// the trainees who changed since its last refresh (a completion, a
// placement, a profile or consent change), then tells each demand's
// company about every graduate who matches it now and did not before (see
// Create): one demand.matched event per (demand, graduate), ever,
// recorded with the row that remembers the pair. Several processes may
// run it at once: refreshing is idempotent and the pair's key lets one of
// them announce it. It reports how many it announced. serve runs it every
// minute.
func (s *Service) AnnounceNewMatches(ctx context.Context) (int, error) {
	open, err := s.store.openIDs(ctx, s.db)
	if err != nil || len(open) == 0 {
		return 0, err
	}
	start := s.now().UTC()
	since, err := s.store.oldestFacts(ctx, s.db)
	if err != nil {
		return 0, err
	}
	touched, err := s.store.touchedSince(ctx, s.db, since.Add(-RefreshOverlap))
	if err != nil || len(touched) == 0 {
		// Nobody changed: no demand's facts or matches can have, and
		// leaving facts_at where it is keeps this a read.
		return 0, err
	}
	total := 0
	for _, id := range open {
		n := 0
		err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
			n = 0
			r, err := s.store.get(ctx, tx, id, true)
			if err != nil || r.Status != Open {
				return err
			}
			if len(touched) > 0 {
				if err := s.store.refreshFacts(ctx, tx, r, touched); err != nil {
					return err
				}
			}
			if r.FactsAt.Before(start) {
				if err := s.store.setFactsAt(ctx, tx, r.ID, start); err != nil {
					return err
				}
			}
			fresh, err := s.store.newMatches(ctx, tx, r, touched)
			if err != nil {
				return err
			}
			now := s.now().UTC()
			for _, traineeID := range fresh {
				won, err := s.store.markAnnounced(ctx, tx, r.ID, traineeID, now)
				if err != nil {
					return err
				}
				if !won {
					continue
				}
				if err := events.Record(ctx, tx, events.Event{
					Type: events.DemandMatched, Subject: "/v1/demands/" + r.ID,
					Data:       map[string]any{"demand_id": r.ID, "title": r.Title, "graduate_id": traineeID},
					Recipients: []string{r.CompanyUser}, At: now,
				}); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

// Filler counts hires against demands; the graduate pool calls it in the
// transaction that records the hire.
type Filler struct {
	Store Store
}

// Fill counts a hire by the company against its demand id: filled goes up
// by one and the demand closes when it reaches the headcount. A demand of
// another company, or none, is 404 (invalid_demand on the hire's field); a
// demand not open is 409 demand_closed. Audited as demand.filled.
func (f Filler) Fill(ctx context.Context, tx bun.IDB, actorID, companyID, demandID string, now time.Time) error {
	if !ids.Valid(demandID) {
		return apperr.NotFound(msg.NotFoundDemand)
	}
	r, err := f.Store.get(ctx, tx, demandID, true)
	if err != nil {
		return err
	}
	if r.CompanyID != companyID {
		return apperr.NotFound(msg.NotFoundDemand)
	}
	won, err := f.Store.fill(ctx, tx, demandID, now)
	if err != nil {
		return err
	}
	if !won {
		return apperr.Conflict("demand_closed", msg.DemandClosed)
	}
	after, err := f.Store.get(ctx, tx, demandID, false)
	if err != nil {
		return err
	}
	return audit.Record(ctx, tx, now, audit.Change{
		ActorID: actorID, Action: "demand.filled", Entity: "demand", EntityID: demandID,
		Before: map[string]any{"filled": r.Filled, "status": r.Status},
		After:  map[string]any{"filled": after.Filled, "status": after.Status},
	})
}

// idCursor reads a cursor keyed on an id.
func idCursor(after []string) (string, error) {
	after, err := page.Key(after, 1)
	if err != nil || after == nil {
		return "", err
	}
	if !ids.Valid(after[0]) {
		return "", apperr.BadRequest("invalid_cursor", msg.InvalidCursor)
	}
	return after[0], nil
}

// matchCursor reads a matches cursor: the score and the id.
func matchCursor(after []string) (*matchKey, error) {
	after, err := page.Key(after, 2)
	if err != nil || after == nil {
		return nil, err
	}
	n, err := strconv.Atoi(after[0])
	if err != nil || n < 0 || n > 100 || !ids.Valid(after[1]) {
		return nil, apperr.BadRequest("invalid_cursor", msg.InvalidCursor)
	}
	return &matchKey{Score: n, ID: after[1]}, nil
}
