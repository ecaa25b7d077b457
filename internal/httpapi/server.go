// Package httpapi is SkillGrid's HTTP layer: the Fiber app, its middleware,
// every route (routes.go), the one error handler, and handlers that only
// translate between HTTP and the services.
package httpapi

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"regexp"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/middleware/cors"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/attendance"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/credentials"
	"github.com/skillgrid/skillgrid/internal/demand"
	"github.com/skillgrid/skillgrid/internal/enrolment"
	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/notify"
	"github.com/skillgrid/skillgrid/internal/outcomes"
	"github.com/skillgrid/skillgrid/internal/pool"
	"github.com/skillgrid/skillgrid/internal/privacy"
	"github.com/skillgrid/skillgrid/internal/reports"
	"github.com/skillgrid/skillgrid/internal/results"
	"github.com/skillgrid/skillgrid/internal/webhooks"
	"github.com/skillgrid/skillgrid/openapi"
)

// BodyLimit is the largest request body accepted (413 beyond).
const BodyLimit = 1 << 20

// Deps is everything the HTTP layer needs, wired by cmd/skillgrid.
type Deps struct {
	Log        *slog.Logger
	JWTSecret  []byte
	Spec       []byte
	Auth       *auth.Service
	Accounts   *account.Service
	Catalogue  *catalogue.Service
	Enrolments *enrolment.Service
	Pool       *pool.Service
	Demands    *demand.Service
	Reports    *reports.Service
	Outcomes   *outcomes.Service
	Privacy    *privacy.Service
	Results    *results.Service
	Attendance *attendance.Service
	// Credentials signs certificates as Open Badges and publishes the
	// issuer's keys and status lists.
	Credentials *credentials.Service
	Audit       audit.Trail
	// Notifications are the signed-in user's; Events the admin's log and
	// Webhooks their subscriptions.
	Notifications *notify.Service
	Events        events.Log
	Webhooks      *webhooks.Service
	// ReadTimeout bounds reading a request, headers and body (default 15 s),
	// so a client that trickles bytes cannot hold a connection forever.
	ReadTimeout time.Duration
	// WriteTimeout bounds writing a response (default 30 s). A download
	// (CSV, XLSX) is bounded by it as an idle time instead: it runs as long
	// as its bytes keep moving, and ends when none could be sent for that
	// long (see stallWriter).
	WriteTimeout time.Duration
	// TrustedProxies may name the client in X-Forwarded-For (see config).
	TrustedProxies []string
	// Operations are the OpenAPI document's operations: the query
	// parameters each takes (any other is refused with 400).
	Operations []openapi.Operation
	// Ready reports whether the database is reachable and migrated.
	Ready func(ctx context.Context) error
	// Metrics is the registry /metrics serves; the request metrics join
	// what the services registered there.
	Metrics *prometheus.Registry
	// MetricsElsewhere: /metrics is served on an internal address of its
	// own (SKILLGRID_METRICS_ADDR, see MetricsHandler), not by this app.
	MetricsElsewhere bool
	// CORSOrigins may call the API from browser pages of other origins
	// (SKILLGRID_CORS_ORIGINS); none when empty.
	CORSOrigins []string
}

// Handlers holds the services the handlers call.
type Handlers struct {
	Deps
	validator      *validator.Validate
	docsHandler    fiber.Handler
	metricsHandler fiber.Handler
	query          queryParameters
	proxies        proxies
	reads          readCache
}

// New builds the Fiber app with its middleware and every route.
func New(d Deps) *fiber.App {
	if d.ReadTimeout == 0 {
		d.ReadTimeout = 15 * time.Second
	}
	if d.WriteTimeout == 0 {
		d.WriteTimeout = 30 * time.Second
	}
	errs := errorHandler(d.Log)
	app := fiber.New(fiber.Config{
		AppName:               "skillgrid",
		BodyLimit:             BodyLimit,
		ReadTimeout:           d.ReadTimeout,
		WriteTimeout:          d.WriteTimeout,
		IdleTimeout:           60 * time.Second,
		DisableStartupMessage: true,
		// Strings from the request stay valid after the handler returns.
		Immutable: true,
		// Errors fasthttp answers before any middleware runs (a body too
		// large, a malformed request) carry the same protective headers.
		ErrorHandler: func(c *fiber.Ctx, err error) error {
			setSecurityHeaders(c)
			c.Set(fiber.HeaderCacheControl, "no-store")
			return errs(c, err)
		},
	})
	// Behind a load balancer every request would come from its address, and
	// the per-address limits would lock everyone out together: trusted
	// proxies' X-Forwarded-For names the client instead (clientAddress).
	h := &Handlers{Deps: d, validator: newValidator(), docsHandler: newDocsHandler(), proxies: parseProxies(d.TrustedProxies),
		metricsHandler: adaptor.HTTPHandler(MetricsHandler(d.Metrics)),
		query:          newQueryParameters(d.Operations),
	}

	app.Use(assignRequestID)
	app.Use(protectiveHeaders)
	app.Use(accessLog(d.Log))
	metrics := newHTTPMetrics(d.Metrics)
	app.Use(metrics.middleware)
	app.Use(answerErrors)
	app.Use(recover.New(recover.Config{
		// The error handler answers the 500 and logs it; this adds where
		// the panic happened, which the answer must never show.
		EnableStackTrace: true,
		StackTraceHandler: func(c *fiber.Ctx, e any) {
			d.Log.ErrorContext(c.UserContext(), "panic", "panic", fmt.Sprint(e), "request_id", requestID(c), "stack", string(debug.Stack()))
		},
	}))
	app.Use(refuseAmbiguousLength)
	app.Use(h.countChanges)
	if len(d.CORSOrigins) > 0 {
		app.Use(allowOrigins(d.CORSOrigins))
	}
	h.routes(app)
	metrics.knowRoutes(app)
	return app
}

// refuseBadText answers 400 for text no column can hold: a NUL character
// anywhere in the path, the query or a JSON body (PostgreSQL refuses it in
// text, and bun cannot quote it), or a query value that is not UTF-8
// (PostgreSQL refuses that too). Bad input, not a 500. JSON bodies need no
// UTF-8 check: the decoder turns invalid bytes into U+FFFD.
func refuseBadText(c *fiber.Ctx) error {
	nul := strings.ContainsRune(c.Path(), 0)
	notUTF8 := false
	for k, v := range c.Request().URI().QueryArgs().All() {
		nul = nul || bytes.IndexByte(k, 0) >= 0 || bytes.IndexByte(v, 0) >= 0
		notUTF8 = notUTF8 || !utf8.Valid(k) || !utf8.Valid(v)
	}
	if body := c.Body(); bytes.IndexByte(body, 0) >= 0 || bytes.Contains(body, []byte(`\u0000`)) {
		nul = true
	}
	switch {
	case nul:
		return apperr.BadRequest("nul_character", msg.NULCharacter)
	case notUTF8:
		return apperr.BadRequest("invalid_utf8", msg.QueryNotUTF8)
	}
	return c.Next()
}

// answerErrors runs the error handler inside the middleware chain, so that
// the access log and the metrics see the status the client gets.
func answerErrors(c *fiber.Ctx) error {
	err := c.Next()
	if err != nil {
		return c.App().ErrorHandler(c, err)
	}
	return nil
}

// accessLog writes one JSON line per request.
func accessLog(log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		rid := requestID(c)
		c.SetUserContext(audit.WithRequestID(c.UserContext(), rid))
		err := c.Next()
		status := c.Response().StatusCode()
		attrs := []any{
			"method", c.Method(),
			"route", c.Route().Path,
			"path", c.Path(),
			"status", status,
			"latency_ms", float64(time.Since(start).Microseconds()) / 1000,
			"request_id", rid,
		}
		if a, ok := c.Locals(actorKey).(auth.Actor); ok {
			attrs = append(attrs, "user_id", a.ID)
		}
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		log.Log(c.UserContext(), level, "request", attrs...)
		return err
	}
}

const requestIDKey = "skillgrid.request_id"

// requestIDPattern is what a client's X-Request-ID must look like to be
// kept: short and plain, so that it cannot forge log lines or carry markup.
var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

// assignRequestID keeps the client's X-Request-ID when it is 1–128
// characters of [A-Za-z0-9._-] and replaces it otherwise, then answers it.
func assignRequestID(c *fiber.Ctx) error {
	rid := c.Get(fiber.HeaderXRequestID)
	if !requestIDPattern.MatchString(rid) {
		rid = newRequestID()
	}
	c.Locals(requestIDKey, rid)
	c.Set(fiber.HeaderXRequestID, rid)
	return c.Next()
}

func requestID(c *fiber.Ctx) string {
	s, _ := c.Locals(requestIDKey).(string)
	return s
}

func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// setSecurityHeaders sets what every response carries: browsers must not
// guess a media type other than the declared one, nor send this server's
// URLs (which may hold ids) to other sites.
func setSecurityHeaders(c *fiber.Ctx) {
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
}

// protectiveHeaders sets the security headers on every response, and
// Cache-Control: no-store on every response but the few that carry neither
// a token nor personal data (see cacheable), so that no browser or proxy
// keeps a token, a profile or a roster.
func protectiveHeaders(c *fiber.Ctx) error {
	setSecurityHeaders(c)
	err := c.Next()
	if !cacheable(c) {
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	return err
}

// publicReads are the routes whose anonymous GET answers are the same for
// everyone and hold no personal data: the published catalogue and the API
// reference.
var publicReads = map[string]bool{
	"/v1/levels": true, "/v1/tracks": true,
	"/v1/courses": true, "/v1/courses/:id": true,
	"/v1/cohorts": true, "/v1/cohorts/:id": true,
	"/openapi.yaml": true, "/docs": true, "/docs/*": true,
}

// cacheable reports whether the answer may be stored: an anonymous GET (or
// HEAD) of a public read. With a token the catalogue may show what only
// that caller sees (an operator's drafts), so it is not stored either.
func cacheable(c *fiber.Ctx) bool {
	r := c.Route()
	return (r.Method == fiber.MethodGet || r.Method == fiber.MethodHead) &&
		publicReads[r.Path] && c.Get(fiber.HeaderAuthorization) == ""
}

// refuseAmbiguousLength answers 400 and closes the connection when a
// request carries both Content-Length and Transfer-Encoding: a proxy in
// front may read the body by the other header, and what it takes for the
// next request would be smuggled past it. fasthttp quietly prefers
// Transfer-Encoding and drops Content-Length from the parsed header, so
// the raw header is read.
func refuseAmbiguousLength(c *fiber.Ctx) error {
	var length, encoding bool
	for _, line := range bytes.Split(c.Request().Header.RawHeaders(), []byte("\n")) {
		name, _, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		name = bytes.TrimSpace(name)
		length = length || bytes.EqualFold(name, []byte(fiber.HeaderContentLength))
		encoding = encoding || bytes.EqualFold(name, []byte(fiber.HeaderTransferEncoding))
	}
	if length && encoding {
		c.Context().SetConnectionClose()
		return apperr.BadRequest("ambiguous_length", msg.AmbiguousLength)
	}
	return c.Next()
}

// allowOrigins lets browser pages of the listed origins call the API, with
// preflight requests. Other origins get no CORS header at all (so a
// browser refuses them), and every answer varies by Origin for caches.
func allowOrigins(origins []string) fiber.Handler {
	allowed := map[string]bool{}
	for _, o := range origins {
		allowed[strings.ToLower(o)] = true
	}
	mw := cors.New(cors.Config{
		AllowOrigins:  strings.Join(origins, ","),
		AllowMethods:  strings.Join([]string{fiber.MethodGet, fiber.MethodHead, fiber.MethodPost, fiber.MethodPatch, fiber.MethodPut, fiber.MethodDelete}, ","),
		AllowHeaders:  strings.Join([]string{fiber.HeaderAuthorization, fiber.HeaderContentType, fiber.HeaderAcceptLanguage, fiber.HeaderXRequestID}, ","),
		ExposeHeaders: strings.Join([]string{fiber.HeaderRetryAfter, fiber.HeaderXRequestID, fiber.HeaderContentDisposition}, ","),
		MaxAge:        600,
	})
	return func(c *fiber.Ctx) error {
		if !allowed[strings.ToLower(c.Get(fiber.HeaderOrigin))] {
			c.Vary(fiber.HeaderOrigin)
			return c.Next()
		}
		return mw(c)
	}
}
