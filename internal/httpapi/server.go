// Package httpapi is SkillGrid's HTTP layer: the Fiber app, its middleware,
// every route (routes.go), the one error handler, and handlers that only
// translate between HTTP and the services.
package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ansrivas/fiberprometheus/v2"
	"github.com/go-playground/validator/v10"
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/enrolment"
	"github.com/skillgrid/skillgrid/internal/pool"
	"github.com/skillgrid/skillgrid/internal/reports"
	"github.com/skillgrid/skillgrid/internal/results"
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
	Reports    *reports.Service
	Results    *results.Service
	Audit      audit.Trail
	// ReadTimeout bounds reading a request, headers and body (default 15 s),
	// so a client that trickles bytes cannot hold a connection forever.
	ReadTimeout time.Duration
	// TrustedProxies may name the client in X-Forwarded-For (see config).
	TrustedProxies []string
	// Ready reports whether the database is reachable and migrated.
	Ready func(ctx context.Context) error
	// Metrics is the registry /metrics serves; the request metrics join
	// what the services registered there. nil: a registry of its own.
	Metrics *prometheus.Registry
}

// Handlers holds the services the handlers call.
type Handlers struct {
	Deps
	validator   *validator.Validate
	docsHandler fiber.Handler
	proxies     proxies
}

// New builds the Fiber app with its middleware and every route.
func New(d Deps) *fiber.App {
	if d.ReadTimeout == 0 {
		d.ReadTimeout = 15 * time.Second
	}
	app := fiber.New(fiber.Config{
		AppName:               "skillgrid",
		BodyLimit:             BodyLimit,
		ReadTimeout:           d.ReadTimeout,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           60 * time.Second,
		DisableStartupMessage: true,
		// Strings from the request stay valid after the handler returns.
		Immutable:    true,
		ErrorHandler: errorHandler(d.Log),
	})
	// Behind a load balancer every request would come from its address, and
	// the per-address limits would lock everyone out together: trusted
	// proxies' X-Forwarded-For names the client instead (clientAddress).
	h := &Handlers{Deps: d, validator: newValidator(), docsHandler: newDocsHandler(), proxies: parseProxies(d.TrustedProxies)}

	reg := d.Metrics
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	prom := fiberprometheus.NewWithRegistry(reg, "skillgrid", "http", "", nil)
	prom.RegisterAt(app, "/metrics")

	app.Use(requestid.New(requestid.Config{Header: fiber.HeaderXRequestID, Generator: newRequestID}))
	app.Use(accessLog(d.Log))
	app.Use(prom.Middleware)
	app.Use(answerErrors)
	app.Use(recover.New(recover.Config{
		// The error handler answers the 500 and logs it; this adds where
		// the panic happened, which the answer must never show.
		EnableStackTrace: true,
		StackTraceHandler: func(c *fiber.Ctx, e any) {
			d.Log.ErrorContext(c.UserContext(), "panic", "panic", fmt.Sprint(e), "request_id", requestID(c), "stack", string(debug.Stack()))
		},
	}))
	h.routes(app)
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
		return apperr.BadRequest("nul_character", "text may not contain the NUL character")
	case notUTF8:
		return apperr.BadRequest("invalid_utf8", "query parameters must be UTF-8 text")
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

func requestID(c *fiber.Ctx) string {
	s, _ := c.Locals(requestid.ConfigDefault.ContextKey).(string)
	return s
}
