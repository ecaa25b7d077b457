// Package audit records who changed what, in the same transaction as the
// change, and lists the trail for operators. Events are append-only: nothing
// in SkillGrid updates or deletes them.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
)

// Event is one recorded change.
type Event struct {
	bun.BaseModel `bun:"table:audit_events"`

	ID        string    `bun:"id,pk" json:"id"`
	At        time.Time `bun:"at" json:"at"`
	ActorID   *string   `bun:"actor_id" json:"actor_id"`
	Action    string    `bun:"action" json:"action"`
	Entity    string    `bun:"entity" json:"entity"`
	EntityID  string    `bun:"entity_id" json:"entity_id"`
	Before    *string   `bun:"before_json" json:"-"`
	After     *string   `bun:"after_json" json:"-"`
	RequestID *string   `bun:"request_id" json:"request_id"`
}

type ctxKey struct{}

// WithRequestID returns a context that carries the request id into events.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// RequestID is the request id carried by ctx, or "".
func RequestID(ctx context.Context) string {
	s, _ := ctx.Value(ctxKey{}).(string)
	return s
}

// Change describes one change to record. Before and After are marshalled to
// JSON; nil stays null.
type Change struct {
	ActorID  string
	Action   string
	Entity   string
	EntityID string
	Before   any
	After    any
}

// Record writes c through idb, which should be the transaction making the
// change so that the event and the change commit or roll back together.
func Record(ctx context.Context, idb bun.IDB, at time.Time, c Change) error {
	e := Event{
		ID:       ids.New(),
		At:       at.UTC(),
		Action:   c.Action,
		Entity:   c.Entity,
		EntityID: c.EntityID,
	}
	if c.ActorID != "" {
		e.ActorID = &c.ActorID
	}
	if rid := RequestID(ctx); rid != "" {
		e.RequestID = &rid
	}
	var err error
	if e.Before, err = marshal(c.Before); err != nil {
		return err
	}
	if e.After, err = marshal(c.After); err != nil {
		return err
	}
	_, err = db.Exec(ctx, idb, `INSERT INTO audit_events (id, at, actor_id, action, entity, entity_id, before_json, after_json, request_id)
VALUES (?0, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`, e.ID, e.At, e.ActorID, e.Action, e.Entity, e.EntityID, e.Before, e.After, e.RequestID)
	if err != nil {
		return fmt.Errorf("record audit event %s %s: %w", c.Action, c.EntityID, err)
	}
	return nil
}

func marshal(v any) (*string, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("marshal audit state: %w", err)
	}
	s := string(b)
	return &s, nil
}
