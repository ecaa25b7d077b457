package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/skillgrid/skillgrid/internal/app"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/config"
	"github.com/skillgrid/skillgrid/internal/testutil"
	"github.com/skillgrid/skillgrid/migrations"
	"github.com/skillgrid/skillgrid/openapi"
)

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		e.Get("/healthz", "").Want(t, http.StatusOK)
		e.Get("/readyz", "").Want(t, http.StatusOK)
		// Roll the schema back: the process is up but not ready.
		if _, err := migrations.Down(context.Background(), e.DB); err != nil {
			t.Fatal(err)
		}
		e.Get("/healthz", "").Want(t, http.StatusOK)
		e.Get("/readyz", "").WantProblem(t, http.StatusServiceUnavailable, "unavailable")
	})
}

func TestSpecAndDocsAreServedOffline(t *testing.T) {
	t.Parallel()
	e := testutil.New(t, testutil.SQLite)
	spec := e.Get("/openapi.yaml", "").Want(t, http.StatusOK)
	if !bytes.Equal(spec.Body, openapi.Spec) {
		t.Fatal("/openapi.yaml differs from openapi/openapi.yaml")
	}
	page := e.Get("/docs", "").Want(t, http.StatusOK)
	html := string(page.Body)
	if !strings.Contains(html, "/openapi.yaml") || !strings.Contains(strings.ToLower(html), "swagger") {
		t.Fatalf("docs page does not load the spec:\n%s", html)
	}
	// Every script and stylesheet the page loads comes from this server.
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(html, -1)
	if len(refs) == 0 {
		t.Fatal("docs page loads no assets")
	}
	for _, m := range refs {
		ref := m[1]
		if strings.HasPrefix(ref, "http://") || strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "//") {
			t.Errorf("docs page loads %s from the internet", ref)
			continue
		}
		path := ref
		if !strings.HasPrefix(path, "/") {
			path = "/docs/" + strings.TrimPrefix(path, "./")
		}
		res, err := e.App.HTTP.Test(httptestRequest(http.MethodGet, path))
		if err != nil || res.StatusCode != http.StatusOK {
			t.Errorf("asset %s: %v %v", path, err, res.StatusCode)
		}
	}
}

func TestMetricsCountRequestsByRouteAndStatus(t *testing.T) {
	t.Parallel()
	e := testutil.New(t, testutil.SQLite)
	u := e.NewUser(auth.Trainee)
	e.Get("/v1/me", u.Token).Want(t, http.StatusOK)
	e.Get("/v1/me", "").Want(t, http.StatusUnauthorized)
	c := e.OpenCohort(testutil.CohortSpec{})
	e.Post("/v1/cohorts/"+c.ID+"/enrolments", u.Token, nil).Want(t, http.StatusCreated)
	body := string(e.Get("/metrics", "").Want(t, http.StatusOK).Body)
	for _, want := range []string{
		// the enrolment's batch, next to the request metrics
		"skillgrid_enrolment_batch_size_count 1",
		"skillgrid_enrolment_batch_seconds_count 1",
		"skillgrid_enrolment_batch_failures_total 0",
		`http_requests_total{method="GET",path="/v1/me",service="skillgrid",status_code="200"} 1`,
		`http_requests_total{method="GET",path="/v1/me",service="skillgrid",status_code="401"} 1`,
		`http_request_duration_seconds_count{method="GET",path="/v1/me",service="skillgrid",status_code="200"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestRequestIDsAndAccessLog(t *testing.T) {
	t.Parallel()
	e := testutil.New(t, testutil.SQLite)
	u := e.NewUser(auth.Trainee)
	res := e.Do(testutil.Req{Method: http.MethodGet, Path: "/v1/me", Token: u.Token, Header: map[string]string{"X-Request-ID": "client-chosen-id"}})
	if res.Header.Get("X-Request-ID") != "client-chosen-id" {
		t.Fatalf("request id not echoed: %q", res.Header.Get("X-Request-ID"))
	}
	generated := e.Get("/healthz", "").Header.Get("X-Request-ID")
	if len(generated) < 16 {
		t.Fatalf("no request id generated: %q", generated)
	}
	var line map[string]any
	sc := bufio.NewScanner(strings.NewReader(e.Logs.String()))
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil && m["request_id"] == "client-chosen-id" {
			line = m
		}
	}
	want := map[string]any{"msg": "request", "method": "GET", "route": "/v1/me", "path": "/v1/me", "status": float64(200), "request_id": "client-chosen-id", "user_id": u.ID}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("access log %s = %v, want %v (line %v)", k, line[k], v, line)
		}
	}
	if _, ok := line["latency_ms"].(float64); !ok {
		t.Errorf("access log has no latency: %v", line)
	}
}

func TestGracefulShutdownFinishesInFlightRequests(t *testing.T) {
	t.Parallel()
	e := testutil.New(t, testutil.SQLite)
	started := make(chan struct{})
	e.App.HTTP.Get("/test/slow", func(c *fiber.Ctx) error {
		close(started)
		time.Sleep(300 * time.Millisecond)
		return c.SendString("finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- app.Serve(ctx, e.App.HTTP, ln, 5*time.Second) }()
	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/test/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		got <- result{string(b), err}
	}()
	<-started
	cancel() // SIGTERM arrives mid-request
	r := <-got
	if r.err != nil || r.body != "finished" {
		t.Fatalf("in-flight request cut off: %q %v", r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/healthz"); err == nil {
		t.Fatal("server still accepts connections after shutdown")
	}
}

// TestRoutesMatchTheSpec walks the OpenAPI paths and the Fiber routes and
// fails on any difference in either direction.
func TestRoutesMatchTheSpec(t *testing.T) {
	t.Parallel()
	e := testutil.New(t, testutil.SQLite)
	doc, _ := testutil.Spec(t)
	var inSpec []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			inSpec = append(inSpec, method+" "+path)
		}
	}
	param := regexp.MustCompile(`:([a-zA-Z_]+)`)
	seen := map[string]bool{}
	var inApp []string
	for _, r := range e.App.HTTP.GetRoutes(true) {
		if r.Method == http.MethodHead || r.Method == "USE" || r.Path == "/docs/*" {
			continue // /docs/* serves the reference's assets, described under /docs
		}
		p := param.ReplaceAllString(r.Path, "{$1}")
		key := r.Method + " " + p
		if !seen[key] {
			seen[key] = true
			inApp = append(inApp, key)
		}
	}
	sort.Strings(inSpec)
	sort.Strings(inApp)
	if diff := cmp.Diff(inSpec, inApp); diff != "" {
		t.Fatalf("routes differ from openapi.yaml (-spec +app):\n%s", diff)
	}
}

// TestEveryV1OperationAnswersBadTextWithADocumentedProblem sends a NUL and
// a non-UTF-8 byte in the query of every /v1 operation of the document: each
// is a 400 problem, and the document lists that answer (Do checks it).
func TestEveryV1OperationAnswersBadTextWithADocumentedProblem(t *testing.T) {
	t.Parallel()
	e := testutil.New(t, testutil.SQLite)
	doc, _ := testutil.Spec(t)
	param := regexp.MustCompile(`\{[a-z_]+\}`)
	for path, item := range doc.Paths.Map() {
		if !strings.HasPrefix(path, "/v1/") {
			continue
		}
		concrete := param.ReplaceAllString(path, "0190f3a2-7c1e-7b3d-9a4f-2b6c8d0e1f23")
		for method := range item.Operations() {
			for probe, code := range map[string]string{"%00": "nul_character", "%ff": "invalid_utf8"} {
				e.Do(testutil.Req{Method: method, Path: concrete + "?probe=" + probe}).WantProblem(t, http.StatusBadRequest, code)
			}
		}
	}
}

// TestSlowClientsAreCutOff is not parallel: it measures time (the server
// must drop a trickling client within two seconds of a 200 ms read
// timeout), and a measure taken beside the package's other tests, which
// keep both cores busy, would be the load's rather than the server's.
// Serial, it runs with no other test of this package.
func TestSlowClientsAreCutOff(t *testing.T) {
	d := testutil.NewDB(t, testutil.SQLite)
	cfg := config.Config{JWTSecret: []byte(testutil.Secret), AccessTokenTTL: time.Minute, RefreshTokenTTL: time.Hour}
	a, err := app.Build(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), d, app.Options{Hashing: auth.HashOptions{Params: auth.HashParams{Memory: 64, Time: 1, Threads: 1}}, ReadTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = app.Serve(ctx, a.HTTP, ln, time.Second); close(done) }()
	defer func() { cancel(); <-done }()

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Half a request, then silence: the server must give up on it.
	if _, err := conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n")); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	start := time.Now()
	_, err = io.ReadAll(conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the server kept a trickling connection open")
	}
	if waited := time.Since(start); waited > 2*time.Second {
		t.Fatalf("the server took %v to drop a trickling connection", waited)
	}
	// A prompt client is served as usual.
	res, err := http.Get("http://" + ln.Addr().String() + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("healthz after a dropped client: %v %v", res, err)
	}
	res.Body.Close()
}
