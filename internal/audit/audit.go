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
	return RecordAll(ctx, idb, Entry{At: at, RequestID: RequestID(ctx), Change: c})
}

// Entry is a change with its own time and request id, for RecordAll: the
// changes of a batch were asked for by several requests at several moments.
type Entry struct {
	At        time.Time
	RequestID string
	Change
}

// RecordAll writes the entries through idb, the transaction making the
// changes: on PostgreSQL in one statement whatever their number, on SQLite
// (in process, no round trips) one prepared insert at a time.
func RecordAll(ctx context.Context, idb bun.IDB, entries ...Entry) error {
	events := make([]Event, len(entries))
	for i, en := range entries {
		e, err := event(en)
		if err != nil {
			return err
		}
		events[i] = e
	}
	if len(events) == 1 || !db.IsPostgres(idb) {
		for _, e := range events {
			_, err := db.Exec(ctx, idb, `INSERT INTO audit_events (id, at, actor_id, action, entity, entity_id, before_json, after_json, request_id)
VALUES (?0, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`, e.ID, e.At, e.ActorID, e.Action, e.Entity, e.EntityID, e.Before, e.After, e.RequestID)
			if err != nil {
				return fmt.Errorf("record audit event %s %s: %w", e.Action, e.EntityID, err)
			}
		}
		return nil
	}
	n := len(events)
	var (
		eventIDs, actions, entities, entityIDs = make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		ats                                    = make([]time.Time, n)
		actors, befores, afters, requests      = make([]*string, n), make([]*string, n), make([]*string, n), make([]*string, n)
	)
	for i, e := range events {
		eventIDs[i], ats[i], actors[i], actions[i], entities[i] = e.ID, e.At, e.ActorID, e.Action, e.Entity
		entityIDs[i], befores[i], afters[i], requests[i] = e.EntityID, e.Before, e.After, e.RequestID
	}
	_, err := db.Exec(ctx, idb, `INSERT INTO audit_events (id, at, actor_id, action, entity, entity_id, before_json, after_json, request_id)
SELECT * FROM unnest(?0::text[], ?1::timestamptz[], ?2::text[], ?3::text[], ?4::text[], ?5::text[], ?6::text[], ?7::text[], ?8::text[])`,
		eventIDs, ats, actors, actions, entities, entityIDs, befores, afters, requests)
	if err != nil {
		return fmt.Errorf("record %d audit events: %w", n, err)
	}
	return nil
}

// event is the row an entry is stored as.
func event(en Entry) (Event, error) {
	e := Event{
		ID:       ids.New(),
		At:       en.At.UTC(),
		Action:   en.Action,
		Entity:   en.Entity,
		EntityID: en.EntityID,
	}
	if en.ActorID != "" {
		e.ActorID = &en.ActorID
	}
	if en.RequestID != "" {
		e.RequestID = &en.RequestID
	}
	var err error
	if e.Before, err = marshal(en.Before); err != nil {
		return e, err
	}
	if e.After, err = marshal(en.After); err != nil {
		return e, err
	}
	return e, nil
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
