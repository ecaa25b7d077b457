package webhooks

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/every"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
)

// Dispatcher delivers due webhook deliveries. Every serve process runs
// one; a delivery is claimed with a lease (FOR UPDATE SKIP LOCKED on
// PostgreSQL), so each is attempted by one process at a time, and one
// whose process died is taken up again once its lease expires.
type Dispatcher struct {
	DB     *bun.DB
	Rules  Rules
	Now    func() time.Time
	Source string // the CloudEvents source: the public URL of the API
	Log    *slog.Logger
	client *http.Client
}

// NewDispatcher is a dispatcher whose HTTP client follows the rules of
// where webhooks may go at every connection, and follows no redirect.
func NewDispatcher(d *bun.DB, rules Rules, now func() time.Time, source string, log *slog.Logger) *Dispatcher {
	dialer := &net.Dialer{Timeout: Timeout, Control: rules.dialControl}
	tr := &http.Transport{
		Proxy: nil, DialContext: dialer.DialContext, ForceAttemptHTTP2: true,
		TLSHandshakeTimeout: Timeout, MaxIdleConnsPerHost: 4, IdleConnTimeout: 90 * time.Second,
	}
	return &Dispatcher{
		DB: d, Rules: rules, Now: now, Source: source, Log: log,
		client: &http.Client{
			Transport: tr, Timeout: Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// claimBatch bounds the deliveries one step claims.
const claimBatch = 16

// job is a claimed delivery with what sending it needs.
type job struct {
	ID        string    `bun:"id"`
	WebhookID string    `bun:"webhook_id"`
	EventID   string    `bun:"event_id"`
	Attempts  int       `bun:"attempts"`
	CreatedAt time.Time `bun:"created_at"`
}

// claim takes up to claimBatch due deliveries for this process for Lease,
// counting the attempt.
func (d *Dispatcher) claim(ctx context.Context, now time.Time) ([]job, error) {
	var jobs []job
	skip := ""
	if db.IsPostgres(d.DB) {
		skip = " FOR UPDATE SKIP LOCKED"
	}
	err := db.Query(ctx, d.DB, &jobs, `UPDATE webhook_jobs SET lease_until = ?1, attempts = attempts + 1
WHERE id IN (SELECT id FROM webhook_jobs
             WHERE state = 'pending' AND next_at <= ?0 AND (lease_until IS NULL OR lease_until <= ?0)
             ORDER BY next_at LIMIT ?2`+skip+`)
RETURNING id, webhook_id, event_id, attempts, created_at`, now, now.Add(Lease), claimBatch)
	if err != nil {
		return nil, fmt.Errorf("claim webhook deliveries: %w", err)
	}
	return jobs, nil
}

// Step claims due deliveries and attempts each; it reports how many.
func (d *Dispatcher) Step(ctx context.Context) (int, error) {
	jobs, err := d.claim(ctx, d.Now())
	if err != nil || len(jobs) == 0 {
		return 0, err
	}
	for _, j := range jobs {
		if err := d.attempt(ctx, j); err != nil {
			return 0, err
		}
	}
	return len(jobs), nil
}

// Drain runs Step until nothing is due.
func (d *Dispatcher) Drain(ctx context.Context) error {
	return every.Drain(ctx, d.Step)
}

// CloudEvent is the webhook payload: CloudEvents 1.0 in JSON.
type CloudEvent struct {
	SpecVersion     string          `json:"specversion"`
	ID              string          `json:"id"`
	Source          string          `json:"source"`
	Type            string          `json:"type"`
	Time            time.Time       `json:"time"`
	Subject         string          `json:"subject"`
	DataContentType string          `json:"datacontenttype"`
	Data            json.RawMessage `json:"data"`
}

// Sign is the Standard Webhooks signature of body sent as message id at
// timestamp, with a whsec_ secret: "v1," and the base64 HMAC-SHA256 of
// "id.timestamp.body" keyed with the secret's decoded bytes.
func Sign(secret, id string, timestamp int64, body []byte) (string, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%d.", id, timestamp)
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)), nil
}

// attempt sends one claimed delivery and records how it went.
func (d *Dispatcher) attempt(ctx context.Context, j job) error {
	sub, err := subscription(ctx, d.DB, j.WebhookID, false)
	if err != nil {
		// Deleted since: its deliveries went with it.
		return nil
	}
	var evs []events.Stored
	if err := db.Query(ctx, d.DB, &evs, `SELECT id, seq, type, subject, data_json, recipients_json, at, request_id FROM events WHERE id = ?0`, j.EventID); err != nil {
		return fmt.Errorf("read event %s: %w", j.EventID, err)
	}
	if len(evs) != 1 {
		return fmt.Errorf("event %s of delivery %s is missing", j.EventID, j.ID)
	}
	ev := evs[0]
	if !sub.Active {
		// Switched off: deliveries made before are dropped, not retried.
		_, err := db.Exec(ctx, d.DB, `UPDATE webhook_jobs SET state = 'failed', lease_until = NULL WHERE id = ?0`, j.ID)
		return err
	}
	body, err := json.Marshal(CloudEvent{
		SpecVersion: "1.0", ID: ev.ID, Source: d.Source, Type: string(ev.Type), Time: ev.At.UTC(),
		Subject: ev.Subject, DataContentType: "application/json", Data: json.RawMessage(ev.DataJSON),
	})
	if err != nil {
		return err
	}
	sentAt := d.Now()
	status, took, sendErr := d.send(ctx, sub, ev.ID, sentAt, body)
	return d.record(ctx, j, sub, ev, sentAt, status, sendErr, took)
}

// send posts body to the subscription; status is 0 when no answer came.
func (d *Dispatcher) send(ctx context.Context, sub row, id string, at time.Time, body []byte) (int, time.Duration, error) {
	start := time.Now()
	u, err := url.Parse(sub.URL)
	if err != nil {
		return 0, 0, err
	}
	if u.Scheme != "https" && !d.Rules.AllowPrivate {
		return 0, 0, errNotHTTPS
	}
	ts := at.Unix()
	sig, err := Sign(sub.Secret, id, ts, body)
	if err != nil {
		return 0, 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.URL, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Content-Type", "application/cloudevents+json; charset=utf-8")
	req.Header.Set("User-Agent", "SkillGrid-Webhooks/1")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", sig)
	res, err := d.client.Do(req)
	if err != nil {
		return 0, time.Since(start), err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, time.Since(start), fmt.Errorf("answered %d", res.StatusCode)
	}
	return res.StatusCode, time.Since(start), nil
}

// record logs the attempt and moves the delivery on: done, due again
// after its backoff, or given up after 24 hours; a subscription failing
// for 24 hours is switched off and the admins are told, in the same
// transaction.
func (d *Dispatcher) record(ctx context.Context, j job, sub row, ev events.Stored, at time.Time, status int, sendErr error, took time.Duration) error {
	return db.InTx(ctx, d.DB, func(ctx context.Context, tx bun.Tx) error {
		var code *int
		if status != 0 {
			code = &status
		}
		var why *string
		if sendErr != nil {
			s := describe(sendErr)
			why = &s
		}
		if _, err := db.Exec(ctx, tx, `INSERT INTO webhook_deliveries (id, webhook_id, job_id, event_id, event_type, attempt, status_code, error, duration_ms, at)
VALUES (?0, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)`, ids.New(), sub.ID, j.ID, ev.ID, string(ev.Type), j.Attempts, code, why, took.Milliseconds(), at); err != nil {
			return fmt.Errorf("log delivery: %w", err)
		}
		if sendErr == nil {
			if _, err := db.Exec(ctx, tx, `UPDATE webhook_jobs SET state = 'delivered', lease_until = NULL WHERE id = ?0`, j.ID); err != nil {
				return err
			}
			_, err := db.Exec(ctx, tx, `UPDATE webhooks SET failing_since = NULL WHERE id = ?0 AND failing_since IS NOT NULL`, sub.ID)
			return err
		}
		if next, ok := NextAttempt(j.CreatedAt, at, j.Attempts); ok {
			if _, err := db.Exec(ctx, tx, `UPDATE webhook_jobs SET next_at = ?1, lease_until = NULL WHERE id = ?0`, j.ID, next); err != nil {
				return err
			}
		} else if _, err := db.Exec(ctx, tx, `UPDATE webhook_jobs SET state = 'failed', lease_until = NULL WHERE id = ?0`, j.ID); err != nil {
			return err
		}
		return d.failing(ctx, tx, sub.ID, at)
	})
}

// failing notes a failure of the subscription and switches it off once it
// has failed for RetryFor with no success.
func (d *Dispatcher) failing(ctx context.Context, tx bun.Tx, id string, at time.Time) error {
	if _, err := db.Exec(ctx, tx, `UPDATE webhooks SET failing_since = ?1 WHERE id = ?0 AND failing_since IS NULL`, id, at); err != nil {
		return err
	}
	sub, err := subscription(ctx, tx, id, true)
	if err != nil {
		return err
	}
	if !sub.Active || !SwitchOff(sub.FailingSince, at) {
		return nil
	}
	if _, err := db.Exec(ctx, tx, `UPDATE webhooks SET active = FALSE, disabled_at = ?1, updated_at = ?1 WHERE id = ?0`, id, at); err != nil {
		return err
	}
	var admins []string
	if err := db.Query(ctx, tx, &admins, `SELECT id FROM users WHERE role = 'admin' AND active ORDER BY id`); err != nil {
		return err
	}
	return events.Record(ctx, tx, events.Event{
		Type: events.WebhookDisabled, Subject: "/v1/webhooks/" + id, At: at, Recipients: admins,
		Data: map[string]any{"webhook_id": id, "url": sub.URL, "failing_since": sub.FailingSince},
	})
}

// describe is an attempt's error as the log shows it, without the
// transport's wrapping.
func describe(err error) string {
	if errors.Is(err, errForbiddenAddress) {
		return errForbiddenAddress.Error()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer within 10 s"
	}
	s := err.Error()
	if len(s) > 500 {
		s = s[:500]
	}
	return s
}
