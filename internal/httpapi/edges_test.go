package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	"go.yaml.in/yaml/v4"

	"github.com/skillgrid/skillgrid/internal/app"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/config"
	"github.com/skillgrid/skillgrid/internal/testutil"
	"github.com/skillgrid/skillgrid/openapi"
)

// TestEveryResponseCarriesProtectiveHeaders: nosniff and no-referrer on
// every answer, errors included; no-store on every answer but anonymous
// reads of the public catalogue and the reference.
func TestEveryResponseCarriesProtectiveHeaders(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		u := e.NewUser(auth.Trainee)
		admin := e.AdminToken()
		c := e.OpenCohort(testutil.CohortSpec{})
		login := testutil.Req{Method: http.MethodPost, Path: "/v1/auth/login", Body: map[string]string{"email": u.Email, "password": testutil.Password}}
		cases := []struct {
			name    string
			req     testutil.Req
			status  int
			noStore bool
		}{
			{"login tokens", login, http.StatusOK, true},
			{"refresh tokens", testutil.Req{Method: http.MethodPost, Path: "/v1/auth/refresh", Body: map[string]string{"refresh_token": u.Refresh}}, http.StatusOK, true},
			{"own profile", testutil.Req{Method: http.MethodGet, Path: "/v1/me", Token: u.Token}, http.StatusOK, true},
			{"no token", testutil.Req{Method: http.MethodGet, Path: "/v1/me"}, http.StatusUnauthorized, true},
			{"users", testutil.Req{Method: http.MethodGet, Path: "/v1/users", Token: admin}, http.StatusOK, true},
			{"companies", testutil.Req{Method: http.MethodGet, Path: "/v1/companies", Token: admin}, http.StatusOK, true},
			{"roster", testutil.Req{Method: http.MethodGet, Path: "/v1/cohorts/" + c.ID + "/enrolments", Token: admin}, http.StatusOK, true},
			{"pool", testutil.Req{Method: http.MethodGet, Path: "/v1/graduates", Token: admin}, http.StatusOK, true},
			{"audit", testutil.Req{Method: http.MethodGet, Path: "/v1/audit-events", Token: admin}, http.StatusOK, true},
			{"certificates", testutil.Req{Method: http.MethodGet, Path: "/v1/me/certificates", Token: u.Token}, http.StatusOK, true},
			{"catalogue with a token", testutil.Req{Method: http.MethodGet, Path: "/v1/courses", Token: admin}, http.StatusOK, true},
			{"public catalogue", testutil.Req{Method: http.MethodGet, Path: "/v1/courses"}, http.StatusOK, false},
			{"public cohort", testutil.Req{Method: http.MethodGet, Path: "/v1/cohorts/" + c.ID}, http.StatusOK, false},
			{"public tracks", testutil.Req{Method: http.MethodGet, Path: "/v1/tracks"}, http.StatusOK, false},
			{"reference", testutil.Req{Method: http.MethodGet, Path: "/openapi.yaml"}, http.StatusOK, false},
			{"health", testutil.Req{Method: http.MethodGet, Path: "/healthz"}, http.StatusOK, true},
			{"unknown path", testutil.Req{Method: http.MethodGet, Path: "/v1/nowhere"}, http.StatusNotFound, true},
			{"bad json", testutil.Req{Method: http.MethodPost, Path: "/v1/auth/login", Body: "{"}, http.StatusBadRequest, true},
		}
		for _, tc := range cases {
			res := e.Do(tc.req).Want(t, tc.status)
			for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"} {
				if got := res.Header.Get(h); got != want {
					t.Errorf("%s: %s %q, want %q", tc.name, h, got, want)
				}
			}
			if got := res.Header.Get("Cache-Control"); (got == "no-store") != tc.noStore {
				t.Errorf("%s: Cache-Control %q, want no-store: %v", tc.name, got, tc.noStore)
			}
		}
		// Refused by fasthttp before any middleware ran: still protected.
		// The body is announced but never sent: the server answers on the
		// headers alone, and a client still writing a body the server has
		// already refused could see its write reset before the answer.
		conn, err := net.Dial("tcp", strings.TrimPrefix(e.Serve(), "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /v1/auth/login HTTP/1.1\r\nHost: skillgrid.test\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", 2<<20)
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge || res.Header.Get("X-Content-Type-Options") != "nosniff" || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("too large: %d, headers %v", res.StatusCode, res.Header)
		}
	})
}

func TestClientRequestIDsAreKeptOnlyWhenPlain(t *testing.T) {
	t.Parallel()
	e := testutil.New(t, testutil.SQLite)
	generated := regexp.MustCompile(`^[0-9a-f]{32}$`)
	for _, tc := range []struct {
		sent string
		kept bool
	}{
		{"client-chosen.ID_42", true},
		{"x", true},
		{strings.Repeat("a", 128), true},
		{strings.Repeat("a", 129), false},
		{strings.Repeat("a", 300), false},
		{"tab\there", false},
		{"<script>alert(1)</script>", false},
		{"with space", false},
		{"요청", false},
		{`"quoted"`, false},
	} {
		res := e.Do(testutil.Req{Method: http.MethodGet, Path: "/healthz", Header: map[string]string{"X-Request-ID": tc.sent}})
		got := res.Header.Get("X-Request-ID")
		if tc.kept && got != tc.sent {
			t.Errorf("%q: answered %q, want it kept", tc.sent, got)
		}
		if !tc.kept && !generated.MatchString(got) {
			t.Errorf("%q: answered %q, want a generated id", tc.sent, got)
		}
		if !tc.kept && strings.Contains(e.Logs.String(), tc.sent) {
			t.Errorf("%q reached the log", tc.sent)
		}
	}
}

func TestCORSAllowsOnlyTheConfiguredOrigins(t *testing.T) {
	t.Parallel()
	const portal = "https://portal.city.go.kr"
	e := testutil.New(t, testutil.SQLite, func(c *config.Config) { c.CORSOrigins = []string{portal} })
	u := e.NewUser(auth.Trainee)
	preflight := func(e *testutil.Env, origin string) *http.Response {
		req := httptest.NewRequest(http.MethodOptions, "/v1/me", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", http.MethodPatch)
		req.Header.Set("Access-Control-Request-Headers", "authorization, content-type, accept-language, x-request-id")
		res, err := e.App.HTTP.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	real := func(e *testutil.Env, origin string) *testutil.Response {
		return e.Do(testutil.Req{Method: http.MethodGet, Path: "/v1/me", Token: u.Token, Header: map[string]string{"Origin": origin}}).Want(t, http.StatusOK)
	}

	res := preflight(e, portal)
	if res.StatusCode != http.StatusNoContent || res.Header.Get("Access-Control-Allow-Origin") != portal {
		t.Fatalf("preflight from %s: %d %v", portal, res.StatusCode, res.Header)
	}
	for _, h := range []string{"Authorization", "Content-Type", "Accept-Language", "X-Request-ID"} {
		if !strings.Contains(res.Header.Get("Access-Control-Allow-Headers"), h) {
			t.Errorf("preflight does not allow %s: %q", h, res.Header.Get("Access-Control-Allow-Headers"))
		}
	}
	if !strings.Contains(res.Header.Get("Access-Control-Allow-Methods"), http.MethodPatch) {
		t.Errorf("preflight does not allow PATCH: %q", res.Header.Get("Access-Control-Allow-Methods"))
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("preflight lacks the security headers: %v", res.Header)
	}
	got := real(e, portal)
	if got.Header.Get("Access-Control-Allow-Origin") != portal {
		t.Errorf("request from %s: %v", portal, got.Header)
	}
	for _, h := range []string{"Retry-After", "X-Request-ID", "Content-Disposition"} {
		if !strings.Contains(got.Header.Get("Access-Control-Expose-Headers"), h) {
			t.Errorf("%s is not exposed: %q", h, got.Header.Get("Access-Control-Expose-Headers"))
		}
	}
	if !strings.Contains(got.Header.Get("Vary"), "Origin") {
		t.Errorf("answer does not vary by Origin: %v", got.Header)
	}

	noCORS := func(what string, h http.Header) {
		for k := range h {
			if strings.HasPrefix(k, "Access-Control-") {
				t.Errorf("%s: %s: %q", what, k, h.Get(k))
			}
		}
	}
	stranger := "https://evil.example"
	res = preflight(e, stranger)
	noCORS("preflight from another origin", res.Header)
	if res.StatusCode < 400 {
		t.Errorf("preflight from another origin: %d", res.StatusCode)
	}
	noCORS("request from another origin", real(e, stranger).Header)
	// By default no origin is allowed.
	plain := testutil.New(t, testutil.SQLite)
	u = plain.NewUser(auth.Trainee)
	noCORS("preflight without configured origins", preflight(plain, portal).Header)
	noCORS("request without configured origins", real(plain, portal).Header)
}

// TestRequestsWithBothLengthsAreRefusedAndClosed talks raw HTTP/1.1 to a
// real listener: with both Content-Length and Transfer-Encoding a proxy and
// this server could disagree where the body ends.
func TestRequestsWithBothLengthsAreRefusedAndClosed(t *testing.T) {
	t.Parallel()
	e := testutil.New(t, testutil.SQLite)
	addr := strings.TrimPrefix(e.Serve(), "http://")
	body := `{"email":"a@b.kr","password":"correct-horse-battery"}`
	chunked := "35\r\n" + body + "\r\n0\r\n\r\n"
	for name, head := range map[string]string{
		"length first":   "Content-Length: 53\r\nTransfer-Encoding: chunked\r\n",
		"encoding first": "Transfer-Encoding: chunked\r\nContent-Length: 53\r\n",
		"lower case":     "content-length: 53\r\ntransfer-encoding: chunked\r\n",
	} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		req := "POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + head + "\r\n" + chunked +
			// A second request on the same connection: it must never be read.
			"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
		if _, err := conn.Write([]byte(req)); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(conn)
		res, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest || !bytes.Contains(b, []byte(`"code":"ambiguous_length"`)) {
			t.Errorf("%s: %d %s", name, res.StatusCode, b)
		}
		// The server closes the connection: EOF, not a timeout, and no
		// answer to the request that followed.
		rest, err := io.ReadAll(r)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Errorf("%s: the connection was kept open", name)
		}
		if len(rest) > 0 {
			t.Errorf("%s: the server went on reading: %q", name, rest)
		}
		conn.Close()
	}
	// Each header alone is fine.
	for _, head := range []string{"Content-Length: 53\r\n", "Transfer-Encoding: chunked\r\n"} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		b := body
		if strings.HasPrefix(head, "Transfer") {
			b = chunked
		}
		if _, err := conn.Write([]byte("POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + head + "\r\n" + b)); err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%q alone: %d, want the login's own 401", head, res.StatusCode)
		}
		conn.Close()
	}
}

// TestTheSpecPointsAtTheServerItCameFrom: "Try it out" in /docs must reach
// the server the page was loaded from, on any host and port.
func TestTheSpecPointsAtTheServerItCameFrom(t *testing.T) {
	t.Parallel()
	e := testutil.New(t, testutil.SQLite)
	var doc struct {
		Servers []struct {
			URL string `yaml:"url"`
		} `yaml:"servers"`
	}
	if err := yaml.Unmarshal(e.Get("/openapi.yaml", "").Want(t, http.StatusOK).Body, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Servers) == 0 {
		t.Fatal("the spec names no server")
	}
	for _, s := range doc.Servers {
		if !strings.HasPrefix(s.URL, "/") || strings.HasPrefix(s.URL, "//") {
			t.Errorf("server %q is not relative to where the document was loaded", s.URL)
		}
	}
	if page := e.Get("/docs", "").Want(t, http.StatusOK); !bytes.Contains(page.Body, []byte("/openapi.yaml")) {
		t.Errorf("/docs does not load the spec")
	}
}

// TestEveryV1OperationRefusesUnknownQueryParameters walks every /v1
// operation of the document: an unknown parameter is a documented 400
// naming it; every documented parameter gets past the check.
func TestEveryV1OperationRefusesUnknownQueryParameters(t *testing.T) {
	t.Parallel()
	e := testutil.New(t, testutil.SQLite)
	ops, err := openapi.Operations()
	if err != nil {
		t.Fatal(err)
	}
	id := regexp.MustCompile(`\{[a-z_]+\}`)
	admin := e.AdminToken()
	n := 0
	for _, op := range ops {
		if !strings.HasPrefix(op.Path, "/v1/") {
			continue
		}
		n++
		path := id.ReplaceAllString(op.Path, "0190f3a2-7c1e-7b3d-9a4f-2b6c8d0e1f23")
		for _, token := range []string{"", admin} {
			p := e.Do(testutil.Req{Method: op.Method, Path: path + "?limit=1&Zz.unknown=1", Token: token}).WantProblem(t, http.StatusBadRequest, "unknown_parameter")
			if !strings.Contains(p.Detail, `"Zz.unknown"`) {
				t.Errorf("%s %s: detail %q does not name the parameter", op.Method, op.Path, p.Detail)
			}
		}
		for _, name := range op.Query {
			res := e.Do(testutil.Req{Method: op.Method, Path: path + "?" + name + "=1", Token: admin})
			if res.Status == http.StatusBadRequest && res.Problem(t).Code == "unknown_parameter" {
				t.Errorf("%s %s: documented %q refused as unknown", op.Method, op.Path, name)
			}
		}
	}
	if n < 40 {
		t.Fatalf("walked %d /v1 operations", n)
	}
}

// TestMisspeltFiltersAreRefused: a misspelt parameter or an unknown value
// never silently widens a search.
func TestMisspeltFiltersAreRefused(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.AdminToken()
		for path, name := range map[string]string{
			"/v1/graduates?min_levle=3":    "min_levle",
			"/v1/cohorts?trak=bms":         "trak",
			"/v1/courses?Track=bms":        "Track",
			"/v1/me?verbose=1":             "verbose",
			"/v1/users?role=admin&rol=x":   "rol",
			"/v1/courses?track=bms&track_": "track_",
		} {
			p := e.Get(path, admin).WantProblem(t, http.StatusBadRequest, "unknown_parameter")
			if !strings.Contains(p.Detail, `"`+name+`"`) {
				t.Errorf("%s: detail %q does not name %s", path, p.Detail, name)
			}
		}
		for _, tc := range []struct{ path, field, names string }{
			{"/v1/courses?track=bmz", "track", "bms, cell-design"},
			{"/v1/cohorts?track=bmz", "track", "bms, cell-design"},
			{"/v1/graduates?track=bmz&min_level=3", "track", "bms, cell-design"},
			{"/v1/courses?level=9", "level", "between 1 and 5"},
			{"/v1/cohorts?level=9", "level", "between 1 and 5"},
			{"/v1/graduates?min_level=9", "min_level", "between 1 and 5"},
			{"/v1/courses?status=foo", "status", "draft, published, archived"},
			{"/v1/companies?status=foo", "status", "pending, approved, rejected"},
			{"/v1/users?role=x", "role", "trainee, instructor, company, admin"},
		} {
			p := e.Get(tc.path, admin).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
			if len(p.Errors) != 1 || p.Errors[0].Field != tc.field || !strings.Contains(p.Errors[0].Message, tc.names) {
				t.Errorf("%s: errors %+v, want %s naming %s", tc.path, p.Errors, tc.field, tc.names)
			}
		}
		// Tracks are data: a new one is a valid filter at once, in any case.
		e.Post("/v1/tracks", admin, map[string]string{"code": "solid-state", "name": "전고체 (Solid State)"}).Want(t, http.StatusCreated)
		for _, path := range []string{"/v1/courses?track=solid-state", "/v1/cohorts?track=Solid-State", "/v1/graduates?track=solid-state"} {
			e.Get(path, admin).Want(t, http.StatusOK)
		}
		p := e.Get("/v1/courses?track=bmz", "").WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		if !strings.Contains(p.Errors[0].Message, "solid-state") {
			t.Errorf("allowed tracks %q lack the new one", p.Errors[0].Message)
		}
	})
}

func TestMetricsPassPromlintAndCountUnknownPaths(t *testing.T) {
	t.Parallel()
	e := testutil.New(t, testutil.SQLite)
	e.Get("/healthz", "").Want(t, http.StatusOK)
	e.Get("/no/such/path-4f1d", "").Want(t, http.StatusNotFound)
	e.Get("/v1/no-such-thing", "").Want(t, http.StatusNotFound)
	body := e.Get("/metrics", "").Want(t, http.StatusOK).Body
	problems, err := promlint.New(bytes.NewReader(body)).Lint()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
	text := string(body)
	for _, want := range []string{
		"\ngo_goroutines ", "\ngo_memstats_alloc_bytes ", "\nprocess_cpu_seconds_total ", "\nprocess_resident_memory_bytes ",
		"\nhttp_requests_in_progress{service=\"skillgrid\"} ",
		`http_requests_total{method="GET",path="unmatched",service="skillgrid",status_code="404"} 2`,
		`http_requests_total{method="GET",path="/healthz",service="skillgrid",status_code="200"} 1`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q\n%s", want, text)
		}
	}
	if strings.Contains(text, "path-4f1d") || strings.Contains(text, "no-such-thing") {
		t.Error("a raw path became a label value")
	}
}

// TestMetricsCanMoveToAnInternalAddress: with SKILLGRID_METRICS_ADDR the
// public app no longer answers /metrics; the internal server does, with the
// public app's counts.
func TestMetricsCanMoveToAnInternalAddress(t *testing.T) {
	t.Parallel()
	e := testutil.New(t, testutil.SQLite, func(c *config.Config) { c.MetricsAddr = "127.0.0.1:0" })
	e.Get("/healthz", "").Want(t, http.StatusOK)
	e.Get("/metrics", "").WantProblem(t, http.StatusNotFound, "not_found")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.ServeMetrics(ctx, e.App.Metrics, ln) }()
	res, err := http.Get("http://" + ln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), `http_requests_total{method="GET",path="/healthz",service="skillgrid",status_code="200"} 1`) {
		t.Errorf("internal /metrics: %d\n%s", res.StatusCode, b)
	}
	if res, err := http.Get("http://" + ln.Addr().String() + "/v1/levels"); err != nil || res.StatusCode != http.StatusNotFound {
		t.Errorf("the internal address serves the API: %v %v", res, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve metrics: %v", err)
	}
}
