package httpapi_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/config"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/testutil"
	"github.com/skillgrid/skillgrid/internal/webhooks"
)

// receiver is a webhook subscriber on loopback that records what it gets
// and answers with the status it is told.
type receiver struct {
	*httptest.Server
	status atomic.Int32
	mu     sync.Mutex
	got    []received
}

type received struct {
	Header http.Header
	Body   []byte
}

func newReceiver(t *testing.T, tls bool) *receiver {
	r := &receiver{}
	r.status.Store(http.StatusNoContent)
	h := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, received{Header: req.Header.Clone(), Body: b})
		r.mu.Unlock()
		w.WriteHeader(int(r.status.Load()))
	})
	if tls {
		r.Server = httptest.NewTLSServer(h)
	} else {
		r.Server = httptest.NewServer(h)
	}
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) all() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.got...)
}

func allowPrivate(c *config.Config) { c.WebhookAllowPrivate = true }

// forEachDBWith is ForEachDB for an app with its configuration changed.
func forEachDBWith(t *testing.T, opt func(*config.Config), fn func(t *testing.T, e *testutil.Env)) {
	t.Helper()
	for _, d := range testutil.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, testutil.New(t, d, opt))
		})
	}
}

// deliverAll sequences what committed and delivers everything due now.
func deliverAll(t *testing.T, e *testutil.Env) {
	t.Helper()
	ctx := context.Background()
	if err := e.App.Sequencer.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.App.Dispatcher.Drain(ctx); err != nil {
		t.Fatal(err)
	}
}

type webhookView struct {
	ID           string   `json:"id"`
	URL          string   `json:"url"`
	Events       []string `json:"events"`
	Active       bool     `json:"active"`
	Secret       string   `json:"secret"`
	FailingSince *string  `json:"failing_since"`
	DisabledAt   *string  `json:"disabled_at"`
}

type deliveryPage struct {
	Items []struct {
		ID         string  `json:"id"`
		EventID    string  `json:"event_id"`
		EventType  string  `json:"event_type"`
		Attempt    int     `json:"attempt"`
		StatusCode *int    `json:"status_code"`
		Error      *string `json:"error"`
	} `json:"items"`
}

func subscribe(t *testing.T, e *testutil.Env, url string, events ...string) webhookView {
	t.Helper()
	var w webhookView
	e.Post("/v1/webhooks", e.AdminToken(), map[string]any{"url": url, "events": events, "description": "테스트 수신기"}).
		Want(t, http.StatusCreated).JSON(t, &w)
	return w
}

func deliveries(t *testing.T, e *testutil.Env, webhookID string) deliveryPage {
	t.Helper()
	var p deliveryPage
	e.Get("/v1/webhooks/"+webhookID+"/deliveries", e.AdminToken()).Want(t, http.StatusOK).JSON(t, &p)
	return p
}

// checkSigned verifies a delivery as a Standard Webhooks receiver would,
// and decodes its CloudEvent.
func checkSigned(t *testing.T, secret string, r received) map[string]any {
	t.Helper()
	id, ts, sig := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature")
	if _, err := strconv.ParseInt(ts, 10, 64); err != nil || id == "" {
		t.Fatalf("webhook-id %q, webhook-timestamp %q", id, ts)
	}
	if !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("secret %q", secret)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + ts + "." + string(r.Body)))
	if want := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil)); sig != want {
		t.Fatalf("webhook-signature %q, want %q", sig, want)
	}
	var ce map[string]any
	if err := json.Unmarshal(r.Body, &ce); err != nil {
		t.Fatal(err)
	}
	// The payload is what the document's webhooks entry says it is.
	doc, _ := testutil.Spec(t)
	schema := doc.Webhooks["event"].Post.RequestBody.Value.Content.Get("application/cloudevents+json").Schema.Value
	if err := schema.VisitJSON(map[string]any(ce)); err != nil {
		t.Fatalf("the delivery does not match openapi.yaml's webhooks.event: %v", err)
	}
	if ce["specversion"] != "1.0" || ce["id"] != id || ce["source"] == "" || ce["time"] == nil || ce["subject"] == nil || ce["data"] == nil {
		t.Fatalf("CloudEvent %s", r.Body)
	}
	return ce
}

// A subscribed receiver gets each event as a signed CloudEvent; one that
// fails first gets it on retry after the backoff; the log shows every
// attempt, and a redelivery sends the event again.
func TestWebhooksDeliverSignedCloudEventsAndRetry(t *testing.T) {
	t.Parallel()
	forEachDBWith(t, allowPrivate, func(t *testing.T, e *testutil.Env) {
		rcv := newReceiver(t, false)
		w := subscribe(t, e, rcv.URL, "enrolment.promoted", "enrolment.created")
		if !w.Active || w.Secret == "" || fmt.Sprint(w.Events) != "[enrolment.created enrolment.promoted]" {
			t.Fatalf("subscription %+v", w)
		}
		var list struct {
			Items []webhookView `json:"items"`
		}
		e.Get("/v1/webhooks", e.AdminToken()).Want(t, http.StatusOK).JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].Secret != "" {
			t.Fatalf("the list shows %+v", list.Items)
		}

		c := e.OpenCohort(testutil.CohortSpec{Capacity: 1})
		first, waiting := e.NewUser(auth.Trainee), e.NewUser(auth.Trainee)
		seat := enrol(t, e, c.ID, first, http.StatusCreated)
		deliverAll(t, e)
		got := rcv.all()
		if len(got) != 1 {
			t.Fatalf("%d deliveries", len(got))
		}
		ce := checkSigned(t, w.Secret, got[0])
		if ce["type"] != "enrolment.created" || ce["subject"] != "/v1/enrolments/"+seat.ID || ce["datacontenttype"] != "application/json" {
			t.Fatalf("CloudEvent %v", ce)
		}

		// The receiver fails: the promotion is tried again after 30 s.
		rcv.status.Store(http.StatusServiceUnavailable)
		enrol(t, e, c.ID, waiting, http.StatusCreated)
		deliverAll(t, e)
		rcv.status.Store(http.StatusNoContent)
		e.Post("/v1/enrolments/"+seat.ID+"/withdraw", first.Token, nil).Want(t, http.StatusOK)
		deliverAll(t, e)
		if n := len(rcv.all()); n != 3 {
			t.Fatalf("%d deliveries; want the first, the failed one and the promotion", n)
		}
		e.Clock.Advance(29 * time.Second)
		deliverAll(t, e)
		if n := len(rcv.all()); n != 3 {
			t.Fatalf("retried before its backoff: %d deliveries", n)
		}
		e.Clock.Advance(2 * time.Second)
		deliverAll(t, e)
		got = rcv.all()
		if len(got) != 4 || got[3].Header.Get("webhook-id") != got[1].Header.Get("webhook-id") {
			t.Fatalf("the retry: %d deliveries", len(got))
		}
		checkSigned(t, w.Secret, got[3])

		log := deliveries(t, e, w.ID)
		if len(log.Items) != 4 {
			t.Fatalf("log %+v", log.Items)
		}
		retry, failed := log.Items[0], log.Items[2]
		if retry.Attempt != 2 || retry.StatusCode == nil || *retry.StatusCode != 204 || retry.Error != nil ||
			failed.Attempt != 1 || failed.StatusCode == nil || *failed.StatusCode != 503 || failed.Error == nil || failed.EventID != retry.EventID {
			t.Fatalf("log %+v", log.Items)
		}

		// Redelivery.
		e.Post("/v1/webhooks/"+w.ID+"/deliveries/"+failed.ID+"/redeliver", e.AdminToken(), nil).Want(t, http.StatusAccepted)
		deliverAll(t, e)
		if got := rcv.all(); len(got) != 5 || got[4].Header.Get("webhook-id") != failed.EventID {
			t.Fatalf("redelivery: %d deliveries", len(got))
		}
		e.Post("/v1/webhooks/"+w.ID+"/deliveries/"+w.ID+"/redeliver", e.AdminToken(), nil).WantProblem(t, http.StatusNotFound, "not_found")

		// Switched off, nothing goes; deleted, it is gone.
		e.Patch("/v1/webhooks/"+w.ID, e.AdminToken(), map[string]any{"active": false}).Want(t, http.StatusOK)
		enrol(t, e, c.ID, e.NewUser(auth.Trainee), http.StatusCreated)
		deliverAll(t, e)
		if n := len(rcv.all()); n != 5 {
			t.Fatalf("a switched-off subscription got %d", n-5)
		}
		e.Patch("/v1/webhooks/"+w.ID, e.AdminToken(), map[string]any{"events": []string{"enrolment.eaten"}}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Do(testutil.Req{Method: http.MethodDelete, Path: "/v1/webhooks/" + w.ID, Token: e.AdminToken()}).Want(t, http.StatusNoContent)
		e.Get("/v1/webhooks/"+w.ID+"/deliveries", e.AdminToken()).WantProblem(t, http.StatusNotFound, "not_found")
		e.Post("/v1/webhooks", first.Token, map[string]any{"url": rcv.URL, "events": []string{"enrolment.created"}}).WantProblem(t, http.StatusForbidden, "role_not_allowed")
	})
}

// A subscription whose deliveries all fail for 24 hours is switched off
// and the admins are told.
func TestWebhookSwitchedOffAfterADayOfFailures(t *testing.T) {
	t.Parallel()
	forEachDBWith(t, allowPrivate, func(t *testing.T, e *testutil.Env) {
		rcv := newReceiver(t, false)
		rcv.status.Store(http.StatusInternalServerError)
		admin := e.NewUser(auth.Admin)
		w := subscribe(t, e, rcv.URL, "enrolment.created")
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 5})
		enrol(t, e, c.ID, e.NewUser(auth.Trainee), http.StatusCreated)
		deliverAll(t, e)
		for i := 0; i < 12; i++ { // a day, two hours at a time
			e.Clock.Advance(2 * time.Hour)
			deliverAll(t, e)
		}
		var list struct {
			Items []webhookView `json:"items"`
		}
		e.Get("/v1/webhooks", e.AdminToken()).Want(t, http.StatusOK).JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].Active || list.Items[0].DisabledAt == nil || list.Items[0].FailingSince == nil {
			t.Fatalf("after a day of failures: %+v", list.Items)
		}
		attempts := len(rcv.all())
		if attempts < 10 {
			t.Fatalf("only %d attempts in a day", attempts)
		}
		notes := notifications(t, e, admin.Token, "")
		if len(notes.Items) != 1 || notes.Items[0].Type != "webhook.disabled" || notes.Items[0].Link != "/v1/webhooks/"+w.ID ||
			!strings.Contains(notes.Items[0].Body, rcv.URL) {
			t.Fatalf("the admin was told %+v", notes.Items)
		}
		// Nothing more is tried.
		e.Clock.Advance(24 * time.Hour)
		deliverAll(t, e)
		if n := len(rcv.all()); n != attempts {
			t.Fatalf("%d attempts after the switch-off", n-attempts)
		}
		// Switched on again, it starts afresh.
		var on webhookView
		e.Patch("/v1/webhooks/"+w.ID, e.AdminToken(), map[string]any{"active": true}).Want(t, http.StatusOK).JSON(t, &on)
		if !on.Active || on.FailingSince != nil || on.DisabledAt != nil {
			t.Fatalf("switched on %+v", on)
		}
	})
}

// Webhook URLs must be https and must not reach private, loopback or
// link-local addresses, when made and again at every delivery.
func TestWebhookURLsMayNotReachPrivateAddresses(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		for _, url := range []string{
			"http://hooks.example.kr/x", "ftp://hooks.example.kr/x", "https://127.0.0.1/x", "https://10.1.2.3/x",
			"https://192.168.0.10/x", "https://169.254.169.254/latest", "https://[::1]:8443/x", "https://localhost/x", "not a url",
		} {
			p := e.Post("/v1/webhooks", e.AdminToken(), map[string]any{"url": url, "events": []string{"enrolment.created"}}).
				WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
			if f := p.Fields(); len(f) != 1 || f[0] != "url" {
				t.Errorf("%s: fields %v", url, f)
			}
		}
		e.Post("/v1/webhooks", e.AdminToken(), map[string]any{"url": "https://8.8.8.8/x", "events": []string{"enrolment.eaten"}}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Post("/v1/webhooks", e.AdminToken(), map[string]any{"url": "https://8.8.8.8/x", "events": []string{}}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")

		// A subscription that reaches loopback anyway (its name changed
		// address since it was checked, say) is refused at connection time.
		rcv := newReceiver(t, true)
		now := e.Clock.Now()
		if _, err := db.Exec(context.Background(), e.DB, `INSERT INTO webhooks (id, url, description, events_json, secret, active, created_at, updated_at)
VALUES ('01a232e2-0000-7000-8000-000000000001', ?0, '', '["enrolment.created"]', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw0RjR8wK6fLs=', TRUE, ?1, ?1)`, rcv.URL, now); err != nil {
			t.Fatal(err)
		}
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 5})
		enrol(t, e, c.ID, e.NewUser(auth.Trainee), http.StatusCreated)
		deliverAll(t, e)
		if n := len(rcv.all()); n != 0 {
			t.Fatalf("a loopback receiver got %d", n)
		}
		log := deliveries(t, e, "01a232e2-0000-7000-8000-000000000001")
		if len(log.Items) != 1 || log.Items[0].StatusCode != nil || log.Items[0].Error == nil || !strings.Contains(*log.Items[0].Error, "private, loopback") {
			t.Fatalf("log %+v", log.Items)
		}
	})
}

// Two serve processes on one PostgreSQL database share the deliveries:
// every event reaches the receiver exactly once.
func TestTwoProcessesDeliverEachEventOnce(t *testing.T) {
	t.Parallel()
	if !contains(testutil.Dialects(t), testutil.Postgres) {
		// Only when PostgreSQL was switched off on purpose (make test says so
		// loudly); CI requires it, and an unreachable one fails in Dialects.
		// On SQLite one process delivers, so there is nothing to share.
		t.Skip("PostgreSQL is off (SKILLGRID_TEST_POSTGRES_URL=off): two processes share one PostgreSQL only")
	}
	dsn := testutil.NewDSN(t, testutil.Postgres)
	a := testutil.NewOn(t, testutil.Postgres, dsn, allowPrivate)
	b := testutil.NewOn(t, testutil.Postgres, dsn, allowPrivate)
	rcv := newReceiver(t, false)
	w := subscribe(t, a, rcv.URL, "enrolment.created")
	c := a.OpenCohort(testutil.CohortSpec{Capacity: 10})
	const n = 40
	for i := 0; i < n; i++ {
		env := a
		if i%2 == 1 {
			env = b
		}
		enrol(t, env, c.ID, env.NewUser(auth.Trainee), http.StatusCreated)
	}
	var wg sync.WaitGroup
	for _, env := range []*testutil.Env{a, b} {
		wg.Add(1)
		go func(env *testutil.Env) {
			defer wg.Done()
			ctx := context.Background()
			for i := 0; i < 50; i++ {
				if err := env.App.Sequencer.Drain(ctx); err != nil {
					t.Error(err)
					return
				}
				if err := env.App.Dispatcher.Drain(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		}(env)
	}
	wg.Wait()
	seen := map[string]int{}
	for _, r := range rcv.all() {
		checkSigned(t, w.Secret, r)
		seen[r.Header.Get("webhook-id")]++
	}
	if len(seen) != n {
		t.Fatalf("%d events delivered, want %d", len(seen), n)
	}
	for id, k := range seen {
		if k != 1 {
			t.Errorf("event %s delivered %d times", id, k)
		}
	}
}

// A delivery claimed by a process that died before sending it is taken up
// by another once its lease expires, and not before.
func TestWebhookDeliveryOfADeadProcessIsTakenUpAfterItsLease(t *testing.T) {
	t.Parallel()
	forEachDBWith(t, allowPrivate, func(t *testing.T, e *testutil.Env) {
		rcv := newReceiver(t, false)
		subscribe(t, e, rcv.URL, "enrolment.created")
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 5})
		enrol(t, e, c.ID, e.NewUser(auth.Trainee), http.StatusCreated)
		if err := e.App.Sequencer.Drain(context.Background()); err != nil {
			t.Fatal(err)
		}
		// What a claim leaves behind when its process dies mid-delivery.
		if _, err := db.Exec(context.Background(), e.DB, `UPDATE webhook_jobs SET lease_until = ?0, attempts = 1`, e.Clock.Now().Add(webhooks.Lease)); err != nil {
			t.Fatal(err)
		}
		deliverAll(t, e)
		if n := len(rcv.all()); n != 0 {
			t.Fatalf("a leased delivery was sent %d times before its lease expired", n)
		}
		e.Clock.Advance(webhooks.Lease)
		deliverAll(t, e)
		if n := len(rcv.all()); n != 1 {
			t.Fatalf("%d deliveries after the lease expired, want 1", n)
		}
		deliverAll(t, e)
		if n := len(rcv.all()); n != 1 {
			t.Fatalf("delivered again: %d", n)
		}
	})
}
