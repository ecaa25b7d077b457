package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/platform/page"
)

// View is an event as the audit endpoint shows it, with its states as JSON.
type View struct {
	ID        string          `json:"id"`
	At        time.Time       `json:"at"`
	ActorID   *string         `json:"actor_id"`
	Action    string          `json:"action"`
	Entity    string          `json:"entity"`
	EntityID  string          `json:"entity_id"`
	Before    json.RawMessage `json:"before"`
	After     json.RawMessage `json:"after"`
	RequestID *string         `json:"request_id"`
}

// Filter narrows the trail; zero values do not filter. From is inclusive,
// To exclusive.
type Filter struct {
	Entity   string
	EntityID string
	ActorID  string
	Action   string
	From     *time.Time
	To       *time.Time
}

// Trail reads the audit trail, newest first.
type Trail struct {
	DB *bun.DB
}

// List pages events matching f, newest first (keyset on the time-ordered
// id, so new events never shift a page).
func (t Trail) List(ctx context.Context, f Filter, p page.Params) (page.Page[View], error) {
	if _, err := page.Key(p.After, 1); err != nil {
		return page.Page[View]{}, err
	}
	var evs []Event
	q := t.DB.NewSelect().Model(&evs).OrderExpr("id DESC").Limit(int64(p.Limit + 1))
	if f.Entity != "" {
		q = q.Where("entity = ?", f.Entity)
	}
	if f.EntityID != "" {
		q = q.Where("entity_id = ?", f.EntityID)
	}
	if f.ActorID != "" {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.From != nil {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if f.To != nil {
		q = q.Where("at < ?", f.To.UTC())
	}
	if len(p.After) > 0 {
		q = q.Where("id < ?", p.After[0])
	}
	if err := q.Scan(ctx); err != nil {
		return page.Page[View]{}, fmt.Errorf("list audit events: %w", err)
	}
	views := make([]View, len(evs))
	for i, e := range evs {
		views[i] = View{
			ID: e.ID, At: e.At.UTC(), ActorID: e.ActorID, Action: e.Action, Entity: e.Entity, EntityID: e.EntityID,
			Before: raw(e.Before), After: raw(e.After), RequestID: e.RequestID,
		}
	}
	return page.Build(views, p.Limit, func(v View) []string { return []string{v.ID} }), nil
}

func raw(s *string) json.RawMessage {
	if s == nil {
		return json.RawMessage("null")
	}
	return json.RawMessage(*s)
}
