package pool

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/dates"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/platform/page"
	"github.com/skillgrid/skillgrid/internal/privacy"
)

// DefaultExportChunk is how many graduates an export reads per query:
// enough to keep round trips few, small enough that memory stays flat
// however large the pool is.
const DefaultExportChunk = 500

// Graduates is one page of the pool matching f, most recent completion
// first (then by id, descending), for an operator or an approved company.
func (s *Service) Graduates(ctx context.Context, actor auth.Actor, f Filter, p page.Params) (page.Page[Graduate], error) {
	companyID, err := s.viewer(ctx, actor)
	if err != nil {
		return page.Page[Graduate]{}, err
	}
	f, err = normalise(f)
	if err != nil {
		return page.Page[Graduate]{}, err
	}
	if err := s.Tracks.CheckTrackFilter(ctx, "track", f.Track); err != nil {
		return page.Page[Graduate]{}, err
	}
	after, err := cursorKey(p.After)
	if err != nil {
		return page.Page[Graduate]{}, err
	}
	keys, err := s.search(ctx, f, after, p.Limit+1)
	if err != nil {
		return page.Page[Graduate]{}, err
	}
	// The cursor comes from the keys, so a graduate who opts out between
	// the two reads is left out of this page without ending the list.
	kp := page.Build(keys, p.Limit, func(k key) []string {
		return []string{k.LastCompletedAt.UTC().Format(time.RFC3339Nano), k.ID}
	})
	gs, err := s.assemble(ctx, s.DB, kp.Items)
	if err != nil {
		return page.Page[Graduate]{}, err
	}
	if err := s.recordViews(ctx, companyID, privacy.ViewSearch, gs); err != nil {
		return page.Page[Graduate]{}, err
	}
	return page.Page[Graduate]{Items: gs, NextCursor: kp.NextCursor}, nil
}

// Graduate is one graduate of the pool by their user id; anyone who is not
// in the pool (opted out, inactive, no completion, not a trainee) is 404.
func (s *Service) Graduate(ctx context.Context, actor auth.Actor, id string) (Graduate, error) {
	companyID, err := s.viewer(ctx, actor)
	if err != nil {
		return Graduate{}, err
	}
	if !ids.Valid(id) {
		return Graduate{}, apperr.NotFound(msg.NotFoundGraduate)
	}
	k, err := s.Store.graduate(ctx, s.DB, id)
	if err != nil {
		return Graduate{}, err
	}
	gs, err := s.assemble(ctx, s.DB, []key{k})
	if err != nil {
		return Graduate{}, err
	}
	if len(gs) == 0 {
		return Graduate{}, apperr.NotFound(msg.NotFoundGraduate)
	}
	if err := s.recordViews(ctx, companyID, privacy.ViewRead, gs); err != nil {
		return Graduate{}, err
	}
	return gs[0], nil
}

// Entries are the pool entries of the graduates with the ids, in that
// order, leaving out anyone not in the pool now, read through idb. Other
// domains that show graduates (employer demand's matches) show them in
// this one shape, never with email or phone.
func (s *Service) Entries(ctx context.Context, idb bun.IDB, ids []string) ([]Graduate, error) {
	keys := make([]key, len(ids))
	for i, id := range ids {
		keys[i].ID = id
	}
	return s.assemble(ctx, idb, keys)
}

// Export is a checked search of the whole pool, read in chunks.
type Export struct {
	// Shape is the shape of the pool when the export began.
	Shape Shape
	s     *Service
	// company is the reader whose export is recorded ("" for an operator).
	company string
	// id and at name the export in the views it records.
	id    string
	at    time.Time
	f     Filter
	after *key // the last graduate read
	done  bool
}

// Export checks the caller and the filter for an export of every graduate
// matching f; errors come here, before anything is streamed.
func (s *Service) Export(ctx context.Context, actor auth.Actor, f Filter) (*Export, error) {
	companyID, err := s.viewer(ctx, actor)
	if err != nil {
		return nil, err
	}
	f, err = normalise(f)
	if err != nil {
		return nil, err
	}
	if err := s.Tracks.CheckTrackFilter(ctx, "track", f.Track); err != nil {
		return nil, err
	}
	shape, err := s.Store.shape(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	return &Export{Shape: shape, s: s, company: companyID, id: ids.New(), at: s.Now().UTC(), f: f}, nil
}

// Next reads the next chunk of the matching graduates, in the pool's
// order; an empty chunk means there are no more. Each chunk is read to the
// end before the next query: memory stays at one chunk, and SQLite's single
// connection is never asked for two queries at once.
func (x *Export) Next(ctx context.Context) ([]Graduate, error) {
	if x.done {
		return nil, nil
	}
	keys, err := x.s.search(ctx, x.f, x.after, x.s.ExportChunk)
	if err != nil {
		return nil, err
	}
	x.done = len(keys) < x.s.ExportChunk
	gs, err := x.s.assemble(ctx, x.s.DB, keys)
	if err != nil {
		return nil, err
	}
	// Each graduate is in one chunk only: the export counts once each.
	// The last chunk (empty when the pool filled the one before) says so.
	if x.company != "" {
		gids := make([]string, len(gs))
		for i, g := range gs {
			gids[i] = g.ID
		}
		if err := x.s.Views.RecordExport(ctx, x.s.DB, x.id, x.company, x.at, gids, x.done); err != nil {
			return nil, err
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	x.after = &keys[len(keys)-1]
	return gs, nil
}

// search reads the keys of up to limit graduates matching f after the key
// after, in one read-only transaction: the search's two phases (see
// Store.graduates) then read one snapshot, so a graduate whose completions
// change between them is still in one place only.
func (s *Service) search(ctx context.Context, f Filter, after *key, limit int) ([]key, error) {
	var keys []key
	err := db.InTxWith(ctx, s.DB, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}, func(ctx context.Context, tx bun.Tx) error {
		var err error
		keys, err = s.Store.graduates(ctx, tx, f, after, limit)
		return err
	})
	return keys, err
}

// assemble reads the entries of the graduates with the keys, in the keys'
// order, in four queries. A graduate who left the pool since the keys were
// read (opted out, deactivated, completion corrected) is left out.
func (s *Service) assemble(ctx context.Context, idb bun.IDB, keys []key) ([]Graduate, error) {
	out := make([]Graduate, 0, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	idList := make([]string, len(keys))
	for i, k := range keys {
		idList[i] = k.ID
	}
	profiles, err := s.Store.profiles(ctx, idb, idList)
	if err != nil {
		return nil, err
	}
	skills, err := s.Store.skills(ctx, idb, idList)
	if err != nil {
		return nil, err
	}
	courses, err := s.Store.completions(ctx, idb, idList)
	if err != nil {
		return nil, err
	}
	levels, err := s.Levels.LevelsOf(ctx, idb, idList)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		p, ok := profiles[k.ID]
		cs := courses[k.ID]
		if !ok || len(cs) == 0 {
			continue
		}
		g := Graduate{
			ID: k.ID, Name: p.Name, Levels: levels[k.ID], Skills: skills[k.ID],
			CareerStage: p.CareerStage, Region: p.Region,
			LastCompletedAt: cs[0].CompletedAt.UTC(), CompletedCourses: cs,
		}
		if g.Levels == nil {
			g.Levels = map[string]int{}
		}
		if g.Skills == nil {
			g.Skills = []string{}
		}
		for i := range g.CompletedCourses {
			g.CompletedCourses[i].CompletedAt = g.CompletedCourses[i].CompletedAt.UTC()
		}
		out = append(out, g)
	}
	return out, nil
}

// normalise trims and lower-cases f the way the stored values are, and
// checks what the HTTP edge cannot: the date and the sizes.
func normalise(f Filter) (Filter, error) {
	var bad []apperr.FieldError
	f.Track = strings.ToLower(strings.TrimSpace(f.Track))
	f.Region = strings.TrimSpace(f.Region)
	f.Q = strings.ToLower(strings.TrimSpace(f.Q))
	f.CompletedAfter = strings.TrimSpace(f.CompletedAfter)
	if f.MinLevel < 0 || f.MinLevel > 5 {
		bad = append(bad, apperr.Field("min_level", msg.FieldBetween, "min", 1, "max", 5))
	}
	if f.CompletedAfter != "" {
		if _, ok := dates.Day(f.CompletedAfter); !ok {
			bad = append(bad, apperr.Field("completed_after", msg.FieldDate))
		}
	}
	var skills []string
	seen := map[string]bool{}
	for _, sk := range f.Skills {
		for _, part := range strings.Split(sk, ",") {
			part = strings.ToLower(strings.TrimSpace(part))
			if part != "" && !seen[part] {
				seen[part] = true
				skills = append(skills, part)
			}
		}
	}
	f.Skills = skills
	if len(skills) > MaxSkills {
		bad = append(bad, apperr.Field("skill", msg.TooManySkills, "max", 20))
	}
	if len(bad) > 0 {
		return f, apperr.Invalid(bad...)
	}
	return f, nil
}

// cursorKey reads a graduates cursor: the last completion and the id.
func cursorKey(after []string) (*key, error) {
	after, err := page.Key(after, 2)
	if err != nil || after == nil {
		return nil, err
	}
	at, ok := dates.Instant(after[0])
	if !ok || !ids.Valid(after[1]) {
		return nil, apperr.BadRequest("invalid_cursor", msg.InvalidCursor)
	}
	return &key{ID: after[1], LastCompletedAt: at.UTC()}, nil
}
