package webhooks

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
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
)

// Service is the admin's subscriptions and their delivery log.
type Service struct {
	DB    *bun.DB
	Rules Rules
	Now   func() time.Time
}

// newSecret is a Standard Webhooks signing secret: whsec_ and 32 random
// bytes in base64.
func newSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "whsec_" + base64.StdEncoding.EncodeToString(b), nil
}

// checkEvents refuses unknown event types; the list is kept sorted, once each.
func checkEvents(es []string) ([]string, error) {
	var bad []apperr.FieldError
	out := []string{}
	for i, e := range es {
		if !events.Known(events.Type(e)) {
			bad = append(bad, apperr.Field(fmt.Sprintf("events[%d]", i), msg.UnknownEventType, "type", e))
			continue
		}
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	if len(bad) > 0 {
		return nil, apperr.Invalid(bad...)
	}
	sort.Strings(out)
	return out, nil
}

// Create subscribes url to the event types; the answer carries the signing
// secret, which is never shown again.
func (s *Service) Create(ctx context.Context, actor auth.Actor, in NewWebhook) (Webhook, error) {
	evs, err := checkEvents(in.Events)
	if err != nil {
		return Webhook{}, err
	}
	if m := s.Rules.Check(ctx, in.URL); m != "" {
		return Webhook{}, apperr.Invalid(apperr.Field("url", m))
	}
	secret, err := newSecret()
	if err != nil {
		return Webhook{}, err
	}
	now := s.Now()
	w := Webhook{ID: ids.New(), URL: in.URL, Description: strings.TrimSpace(in.Description), Events: evs, Active: true, CreatedAt: now, UpdatedAt: now}
	list, _ := json.Marshal(evs)
	err = db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		if _, err := db.Exec(ctx, tx, `INSERT INTO webhooks (id, url, description, events_json, secret, active, created_at, updated_at)
VALUES (?0, ?1, ?2, ?3, ?4, TRUE, ?5, ?5)`, w.ID, w.URL, w.Description, string(list), secret, now); err != nil {
			return fmt.Errorf("insert webhook: %w", err)
		}
		return audit.Record(ctx, tx, now, audit.Change{ActorID: actor.ID, Action: "webhook.created", Entity: "webhook", EntityID: w.ID, After: w})
	})
	if err != nil {
		return Webhook{}, err
	}
	w.Secret = secret
	return w, nil
}

const columns = `id, url, description, events_json, secret, active, failing_since, disabled_at, created_at, updated_at`

func (r row) webhook() Webhook {
	w := Webhook{ID: r.ID, URL: r.URL, Description: r.Description, Active: r.Active, FailingSince: utc(r.FailingSince),
		DisabledAt: utc(r.DisabledAt), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	_ = json.Unmarshal([]byte(r.EventsJSON), &w.Events) // Create wrote it
	if w.Events == nil {
		w.Events = []string{}
	}
	return w
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func (s *Service) get(ctx context.Context, idb bun.IDB, id string, lock bool) (row, error) {
	return subscription(ctx, idb, id, lock)
}

// subscription reads one subscription, locking its row when lock is true
// (on PostgreSQL; SQLite's write transaction holds the database).
func subscription(ctx context.Context, idb bun.IDB, id string, lock bool) (row, error) {
	if !ids.Valid(id) {
		return row{}, apperr.NotFound(msg.NotFoundWebhook)
	}
	q := `SELECT ` + columns + ` FROM webhooks WHERE id = ?0`
	if lock {
		q += db.LockClause(idb)
	}
	var rs []row
	if err := db.Query(ctx, idb, &rs, q, id); err != nil {
		return row{}, fmt.Errorf("read webhook: %w", err)
	}
	if len(rs) == 0 {
		return row{}, apperr.NotFound(msg.NotFoundWebhook)
	}
	return rs[0], nil
}

// List pages the subscriptions, oldest first.
func (s *Service) List(ctx context.Context, p page.Params) (page.Page[Webhook], error) {
	after, err := page.Key(p.After, 1)
	if err != nil {
		return page.Page[Webhook]{}, err
	}
	cursor := ""
	if after != nil {
		cursor = after[0]
	}
	var rs []row
	if err := db.Query(ctx, s.DB, &rs, `SELECT `+columns+` FROM webhooks WHERE id > ?0 ORDER BY id LIMIT ?1`, cursor, p.Limit+1); err != nil {
		return page.Page[Webhook]{}, fmt.Errorf("list webhooks: %w", err)
	}
	out := make([]Webhook, len(rs))
	for i, r := range rs {
		out[i] = r.webhook()
	}
	return page.Build(out, p.Limit, func(w Webhook) []string { return []string{w.ID} }), nil
}

// Update changes a subscription's events, description or activity;
// switching one on again forgets its failures.
func (s *Service) Update(ctx context.Context, actor auth.Actor, id string, p Patch) (Webhook, error) {
	var evs []string
	if p.Events != nil {
		var err error
		if evs, err = checkEvents(*p.Events); err != nil {
			return Webhook{}, err
		}
	}
	var out Webhook
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		r, err := s.get(ctx, tx, id, true)
		if err != nil {
			return err
		}
		before := r.webhook()
		now := s.Now()
		if p.Events != nil {
			list, _ := json.Marshal(evs)
			r.EventsJSON = string(list)
		}
		if p.Description != nil {
			r.Description = strings.TrimSpace(*p.Description)
		}
		if p.Active != nil && *p.Active != r.Active {
			r.Active = *p.Active
			r.FailingSince, r.DisabledAt = nil, nil
			if !r.Active {
				r.DisabledAt = &now
			}
		}
		r.UpdatedAt = now
		if _, err := db.Exec(ctx, tx, `UPDATE webhooks SET events_json = ?1, description = ?2, active = ?3, failing_since = ?4, disabled_at = ?5, updated_at = ?6 WHERE id = ?0`,
			r.ID, r.EventsJSON, r.Description, r.Active, r.FailingSince, r.DisabledAt, r.UpdatedAt); err != nil {
			return fmt.Errorf("update webhook: %w", err)
		}
		out = r.webhook()
		return audit.Record(ctx, tx, now, audit.Change{ActorID: actor.ID, Action: "webhook.updated", Entity: "webhook", EntityID: r.ID, Before: before, After: out})
	})
	return out, err
}

// Delete ends a subscription, with its pending deliveries and its log.
func (s *Service) Delete(ctx context.Context, actor auth.Actor, id string) error {
	return db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		r, err := s.get(ctx, tx, id, true)
		if err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM webhook_deliveries WHERE webhook_id = ?0`, `DELETE FROM webhook_jobs WHERE webhook_id = ?0`, `DELETE FROM webhooks WHERE id = ?0`} {
			if _, err := db.Exec(ctx, tx, q, r.ID); err != nil {
				return fmt.Errorf("delete webhook: %w", err)
			}
		}
		return audit.Record(ctx, tx, s.Now(), audit.Change{ActorID: actor.ID, Action: "webhook.deleted", Entity: "webhook", EntityID: r.ID, Before: r.webhook()})
	})
}

// Deliveries pages a subscription's delivery attempts, newest first.
func (s *Service) Deliveries(ctx context.Context, id string, p page.Params) (page.Page[Delivery], error) {
	after, err := page.Key(p.After, 1)
	if err != nil {
		return page.Page[Delivery]{}, err
	}
	if _, err := s.get(ctx, s.DB, id, false); err != nil {
		return page.Page[Delivery]{}, err
	}
	cursor := ""
	if after != nil {
		cursor = after[0]
	}
	var ds []Delivery
	if err := db.Query(ctx, s.DB, &ds, `SELECT id, event_id, event_type, attempt, status_code, error, duration_ms, at
FROM webhook_deliveries WHERE webhook_id = ?0 AND (?1 = '' OR id < ?1) ORDER BY id DESC LIMIT ?2`, id, cursor, p.Limit+1); err != nil {
		return page.Page[Delivery]{}, fmt.Errorf("list deliveries: %w", err)
	}
	for i := range ds {
		ds[i].At = ds[i].At.UTC()
	}
	return page.Build(ds, p.Limit, func(d Delivery) []string { return []string{d.ID} }), nil
}

// Redeliver sends a delivery's event again, now, as a new delivery with
// its own 24 hours of retries.
func (s *Service) Redeliver(ctx context.Context, actor auth.Actor, id, deliveryID string) error {
	if !ids.Valid(deliveryID) {
		return apperr.NotFound(msg.NotFoundDelivery)
	}
	return db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		r, err := s.get(ctx, tx, id, false)
		if err != nil {
			return err
		}
		var evs []string
		if err := db.Query(ctx, tx, &evs, `SELECT event_id FROM webhook_deliveries WHERE id = ?0 AND webhook_id = ?1`, deliveryID, r.ID); err != nil {
			return fmt.Errorf("find delivery: %w", err)
		}
		if len(evs) == 0 {
			return apperr.NotFound(msg.NotFoundDelivery)
		}
		now := s.Now()
		if err := insertJobs(ctx, tx, now, []string{r.ID}, evs); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Change{ActorID: actor.ID, Action: "webhook.redelivered", Entity: "webhook", EntityID: r.ID,
			After: map[string]any{"event_id": evs[0], "delivery_id": deliveryID}})
	})
}

// insertJobs makes a pending delivery, due now, for each pair of
// webhooks[i] and eventIDs[i].
func insertJobs(ctx context.Context, tx bun.IDB, now time.Time, webhooks, eventIDs []string) error {
	if len(webhooks) == 0 {
		return nil
	}
	jobIDs := make([]string, len(webhooks))
	for i := range jobIDs {
		jobIDs[i] = ids.New()
	}
	if db.IsPostgres(tx) {
		_, err := db.Exec(ctx, tx, `INSERT INTO webhook_jobs (id, webhook_id, event_id, state, attempts, next_at, created_at)
SELECT u.id, u.webhook_id, u.event_id, 'pending', 0, ?3, ?3 FROM unnest(?0::text[], ?1::text[], ?2::text[]) AS u(id, webhook_id, event_id)`, jobIDs, webhooks, eventIDs, now)
		if err != nil {
			return fmt.Errorf("make %d webhook deliveries: %w", len(jobIDs), err)
		}
		return nil
	}
	for i := range jobIDs {
		if _, err := db.Exec(ctx, tx, `INSERT INTO webhook_jobs (id, webhook_id, event_id, state, attempts, next_at, created_at)
VALUES (?0, ?1, ?2, 'pending', 0, ?3, ?3)`, jobIDs[i], webhooks[i], eventIDs[i], now); err != nil {
			return fmt.Errorf("make a webhook delivery: %w", err)
		}
	}
	return nil
}

// FanOut makes, in the sequencer's transaction, a delivery of each newly
// sequenced event to every active subscription to its type.
func FanOut(ctx context.Context, tx bun.IDB, now time.Time, evs []events.Stored) error {
	var subs []row
	if err := db.Query(ctx, tx, &subs, `SELECT `+columns+` FROM webhooks WHERE active`); err != nil {
		return fmt.Errorf("read subscriptions: %w", err)
	}
	if len(subs) == 0 {
		return nil
	}
	var hooks, eventIDs []string
	for _, sub := range subs {
		w := sub.webhook()
		for _, e := range evs {
			if slices.Contains(w.Events, string(e.Type)) {
				hooks, eventIDs = append(hooks, w.ID), append(eventIDs, e.ID)
			}
		}
	}
	return insertJobs(ctx, tx, now, hooks, eventIDs)
}
