package pool

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/dates"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/platform/page"
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

// Service holds the rules of the graduate pool.
type Service struct {
	DB     *bun.DB
	Store  Store
	Levels Levels
	Tracks Tracks
	Now    func() time.Time
	// ExportChunk is how many graduates an export reads per query; 0 means
	// DefaultExportChunk. Tests set it small.
	ExportChunk int
}

// DefaultExportChunk is how many graduates an export reads per query:
// enough to keep round trips few, small enough that memory stays flat
// however large the pool is.
const DefaultExportChunk = 500

// --- who may use the pool

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

// MayUse answers 403 unless the actor is an operator or an approved
// company. The HTTP layer asks it before reading a request's filters or
// body, so an unapproved company learns nothing but that it is not
// approved; each service method checks again for the company it needs.
func (s *Service) MayUse(ctx context.Context, actor auth.Actor) error {
	return s.maySearch(ctx, actor)
}

// maySearch lets operators and approved companies search the pool.
func (s *Service) maySearch(ctx context.Context, actor auth.Actor) error {
	if actor.Role == auth.Admin {
		return nil
	}
	_, err := s.approvedCompany(ctx, actor)
	return err
}

// --- search

// Graduates is one page of the pool matching f, most recent completion
// first (then by id, descending), for an operator or an approved company.
func (s *Service) Graduates(ctx context.Context, actor auth.Actor, f Filter, p page.Params) (page.Page[Graduate], error) {
	if err := s.maySearch(ctx, actor); err != nil {
		return page.Page[Graduate]{}, err
	}
	f, err := normalise(f)
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
	return page.Page[Graduate]{Items: gs, NextCursor: kp.NextCursor}, nil
}

// Graduate is one graduate of the pool by their user id; anyone who is not
// in the pool (opted out, inactive, no completion, not a trainee) is 404.
func (s *Service) Graduate(ctx context.Context, actor auth.Actor, id string) (Graduate, error) {
	if err := s.maySearch(ctx, actor); err != nil {
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
	return gs[0], nil
}

// Export is a checked search of the whole pool, read in chunks.
type Export struct {
	// Shape is the shape of the pool when the export began.
	Shape Shape
	s     *Service
	f     Filter
	after *key // the last graduate read
	done  bool
}

// Export checks the caller and the filter for an export of every graduate
// matching f; errors come here, before anything is streamed.
func (s *Service) Export(ctx context.Context, actor auth.Actor, f Filter) (*Export, error) {
	if err := s.maySearch(ctx, actor); err != nil {
		return nil, err
	}
	f, err := normalise(f)
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
	return &Export{Shape: shape, s: s, f: f}, nil
}

// Next reads the next chunk of the matching graduates, in the pool's
// order; an empty chunk means there are no more. Each chunk is read to the
// end before the next query: memory stays at one chunk, and SQLite's single
// connection is never asked for two queries at once.
func (x *Export) Next(ctx context.Context) ([]Graduate, error) {
	if x.done {
		return nil, nil
	}
	chunk := x.s.ExportChunk
	if chunk <= 0 {
		chunk = DefaultExportChunk
	}
	keys, err := x.s.search(ctx, x.f, x.after, chunk)
	if err != nil {
		return nil, err
	}
	x.done = len(keys) < chunk
	if len(keys) == 0 {
		return nil, nil
	}
	gs, err := x.s.assemble(ctx, x.s.DB, keys)
	if err != nil {
		return nil, err
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

// --- contact requests

// SendContactRequest is an approved company asking to contact a graduate
// who is in the pool now (else 404). A company has at most one open
// (pending) request per graduate: another is 409 contact_request_open.
// Audited as contact_request.created.
func (s *Service) SendContactRequest(ctx context.Context, actor auth.Actor, graduateID, message string) (Sent, error) {
	c, err := s.approvedCompany(ctx, actor)
	if err != nil {
		return Sent{}, err
	}
	if !ids.Valid(graduateID) {
		return Sent{}, apperr.NotFound(msg.NotFoundGraduate)
	}
	now := s.Now().UTC()
	cr := ContactRequest{
		ID: ids.New(), CompanyID: c.ID, TraineeID: graduateID, SentBy: actor.ID,
		Message: strings.TrimSpace(message), Status: Pending, CreatedAt: now,
	}
	var out Sent
	err = db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		if _, err := s.Store.graduate(ctx, tx, graduateID); err != nil {
			return err
		}
		if err := s.Store.insertContactRequest(ctx, tx, &cr); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "contact_request.created", Entity: "contact_request", EntityID: cr.ID,
			After: map[string]any{"status": cr.Status, "company_id": cr.CompanyID, "trainee_id": cr.TraineeID},
		}); err != nil {
			return err
		}
		out, err = s.Store.sent(ctx, tx, cr.ID)
		return err
	})
	if err != nil {
		return Sent{}, err
	}
	return out, nil
}

// Received is one page of the contact requests sent to the trainee,
// newest first, optionally of one status.
func (s *Service) Received(ctx context.Context, actor auth.Actor, status string, p page.Params) (page.Page[Received], error) {
	after, err := idCursor(p.After)
	if err != nil {
		return page.Page[Received]{}, err
	}
	rs, err := s.Store.receivedBy(ctx, s.DB, actor.ID, status, p.Limit+1, after)
	if err != nil {
		return page.Page[Received]{}, err
	}
	return page.Build(rs, p.Limit, func(r Received) []string { return []string{r.ID} }), nil
}

// Sent is one page of the approved company's own contact requests,
// newest first, optionally of one status; a graduate's email and phone
// show only on requests they accepted.
func (s *Service) Sent(ctx context.Context, actor auth.Actor, status string, p page.Params) (page.Page[Sent], error) {
	c, err := s.approvedCompany(ctx, actor)
	if err != nil {
		return page.Page[Sent]{}, err
	}
	after, err := idCursor(p.After)
	if err != nil {
		return page.Page[Sent]{}, err
	}
	rs, err := s.Store.sentBy(ctx, s.DB, c.ID, status, p.Limit+1, after)
	if err != nil {
		return page.Page[Sent]{}, err
	}
	return page.Build(rs, p.Limit, func(r Sent) []string { return []string{r.ID} }), nil
}

// Accept is the graduate accepting a pending request sent to them: the
// company sees their email and phone from now on.
func (s *Service) Accept(ctx context.Context, actor auth.Actor, id string) (Received, error) {
	return s.decide(ctx, actor, id, Accepted)
}

// Decline is the graduate declining a pending request sent to them.
func (s *Service) Decline(ctx context.Context, actor auth.Actor, id string) (Received, error) {
	return s.decide(ctx, actor, id, Declined)
}

// decide answers a request for the trainee it was sent to; to anyone else
// it does not exist (404). Only a pending request can be answered (409
// contact_request_answered). Audited as contact_request.<status>.
func (s *Service) decide(ctx context.Context, actor auth.Actor, id, status string) (Received, error) {
	if !ids.Valid(id) {
		return Received{}, apperr.NotFound(msg.NotFoundContactRequest)
	}
	now := s.Now().UTC()
	var out Received
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		cr, err := s.Store.contactRequest(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if cr.TraineeID != actor.ID {
			return apperr.NotFound(msg.NotFoundContactRequest)
		}
		if cr.Status != Pending {
			return apperr.Conflict("contact_request_answered", msg.ContactRequestAnsweredAs, "status", cr.Status)
		}
		cr.Status, cr.DecidedAt = status, &now
		ok, err := s.Store.decide(ctx, tx, &cr)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.Conflict("contact_request_answered", msg.ContactRequestAnswered)
		}
		if err := audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "contact_request." + status, Entity: "contact_request", EntityID: cr.ID,
			Before: map[string]any{"status": Pending}, After: map[string]any{"status": status},
		}); err != nil {
			return err
		}
		out, err = s.Store.received(ctx, tx, cr.ID)
		return err
	})
	if err != nil {
		return Received{}, err
	}
	return out, nil
}

// Hire records that the approved company that sent the request hired its
// graduate. Another company gets 404; a request not accepted is 409
// not_accepted; a second hire for one request is 409 already_hired.
// Audited as hire.created.
func (s *Service) Hire(ctx context.Context, actor auth.Actor, requestID string, in NewHire) (Hire, error) {
	c, err := s.approvedCompany(ctx, actor)
	if err != nil {
		return Hire{}, err
	}
	if !ids.Valid(requestID) {
		return Hire{}, apperr.NotFound(msg.NotFoundContactRequest)
	}
	now := s.Now().UTC()
	var h Hire
	err = db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		cr, err := s.Store.contactRequest(ctx, tx, requestID, true)
		if err != nil {
			return err
		}
		if cr.CompanyID != c.ID {
			return apperr.NotFound(msg.NotFoundContactRequest)
		}
		if cr.Status != Accepted {
			return apperr.Conflict("not_accepted", msg.HireNeedsAcceptance, "status", cr.Status)
		}
		h = Hire{
			ID: ids.New(), CompanyID: c.ID, TraineeID: cr.TraineeID, ContactRequestID: cr.ID,
			Position: strings.TrimSpace(in.Position), HiredOn: in.HiredOn, RecordedBy: actor.ID, CreatedAt: now,
		}
		if err := s.Store.insertHire(ctx, tx, &h); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "hire.created", Entity: "hire", EntityID: h.ID, After: h,
		})
	})
	if err != nil {
		return Hire{}, err
	}
	return h, nil
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
