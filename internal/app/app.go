// Package app wires SkillGrid's services and HTTP layer together. The binary
// and the test helper both build the server through it, so tests exercise
// exactly what production runs.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/attendance"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/config"
	"github.com/skillgrid/skillgrid/internal/credentials"
	"github.com/skillgrid/skillgrid/internal/demand"
	"github.com/skillgrid/skillgrid/internal/email"
	"github.com/skillgrid/skillgrid/internal/enrolment"
	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/httpapi"
	"github.com/skillgrid/skillgrid/internal/notify"
	"github.com/skillgrid/skillgrid/internal/outcomes"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/every"
	"github.com/skillgrid/skillgrid/internal/platform/ratelimit"
	"github.com/skillgrid/skillgrid/internal/platform/seal"
	"github.com/skillgrid/skillgrid/internal/pool"
	"github.com/skillgrid/skillgrid/internal/privacy"
	"github.com/skillgrid/skillgrid/internal/reports"
	"github.com/skillgrid/skillgrid/internal/results"
	"github.com/skillgrid/skillgrid/internal/webhooks"
	"github.com/skillgrid/skillgrid/migrations"
	"github.com/skillgrid/skillgrid/openapi"
)

// Options are the knobs that differ between production and tests.
type Options struct {
	// Hashing sizes the password hasher; zero fields mean production's
	// parameters and pool.
	Hashing auth.HashOptions
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ReadTimeout bounds reading one request; 0 means the HTTP layer's default.
	ReadTimeout time.Duration
	// ViewFlush, when set, gathers the profile views of pool reads and
	// writes them every ViewFlush (App.ViewLog, which the caller runs);
	// zero writes each read's views at once, in the request.
	ViewFlush time.Duration
	// Reads serves the hot path beside the database: the reads every
	// request makes before it writes (the session check, the enrolment
	// checks) and, on PostgreSQL, the enrolment batches: see
	// db.OpenReads. Nil means the database itself.
	Reads *bun.DB
}

// CertificateLookupsPerMinute bounds public certificate checks per client
// address: plenty for an employer checking a stack of CVs, far too few to
// enumerate codes (which have 80 random bits anyway).
const CertificateLookupsPerMinute = 60

// App is the wired application.
type App struct {
	DB       *bun.DB
	Auth     *auth.Service
	Accounts *account.Service
	// Catalogue also answers trainees' levels and eligibility; it acts on
	// a cohort's enrolments through Enrolments.
	Catalogue  *catalogue.Service
	Enrolments *enrolment.Service
	Results    *results.Service
	// Attendance keeps sessions, the register and calendars.
	Attendance *attendance.Service
	// Credentials makes certificates portable (Open Badges 3.0).
	Credentials *credentials.Service
	Pool        *pool.Service
	Demands     *demand.Service
	HTTP        *fiber.App
	// Sequencer numbers committed events in commit order and fans them
	// out to webhook deliveries and e-mails; serve runs it.
	Sequencer *events.Sequencer
	// Webhooks are the admin's subscriptions; Dispatcher delivers them.
	Webhooks   *webhooks.Service
	Dispatcher *webhooks.Dispatcher
	// Mailer sends notifications by e-mail; nil when SKILLGRID_SMTP_URL
	// is not set (notifications are then in the API only).
	Mailer *email.Mailer
	// ViewLog writes the pool's profile views in batches when
	// Options.ViewFlush is set (run it: ViewLog.Run); nil otherwise.
	ViewLog *privacy.ViewLog
	// Metrics is the registry /metrics serves: the HTTP layer's, the
	// services', and the Go runtime and process collectors.
	Metrics *prometheus.Registry
}

// Build wires every service over d and builds the HTTP app.
func Build(cfg config.Config, log *slog.Logger, d *bun.DB, opt Options) (*App, error) {
	clock := opt.Now
	if clock == nil {
		clock = time.Now
	}
	// Both databases keep microseconds; answering with the same precision
	// the database will give back keeps a created resource equal to its
	// later reads.
	now := func() time.Time { return clock().UTC().Truncate(time.Microsecond) }
	hasher, err := auth.NewHasher(opt.Hashing)
	if err != nil {
		return nil, err
	}
	users := account.Store{}
	reads := opt.Reads
	if reads == nil {
		reads = d
	}
	authSvc := &auth.Service{
		DB: d, Reads: reads, Users: users, Hasher: hasher,
		Tokens:     auth.Tokens{Secret: cfg.JWTSecret, TTL: cfg.AccessTokenTTL, Now: now},
		RefreshTTL: cfg.RefreshTokenTTL, Limits: auth.NewLoginLimits(d), Now: now,
		ResetRequests: ratelimit.Limiter{DB: d, Name: "password-reset", Max: auth.ResetsPerHour, Window: time.Hour},
		ResetConfirms: ratelimit.Limiter{DB: d, Name: "password-reset-confirm", Max: auth.ResetsPerHour, Window: time.Hour},
		ResetSeal:     seal.Derive(cfg.JWTSecret, auth.ResetSealPurpose),
	}
	// Levels and eligibility need only the database, so accounts and the
	// enrolment work take them before the catalogue's Service, which needs
	// the enrolment work (a cancelled cohort cancels its enrolments).
	levels := catalogue.Eligibility{}
	accounts, err := account.New(d, users, hasher, authSvc, levels,
		ratelimit.Limiter{DB: d, Name: "register", Max: account.RegistrationsPerHour, Window: time.Hour}, now)
	if err != nil {
		return nil, err
	}
	metrics := prometheus.NewRegistry()
	metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	enrolments := enrolment.NewService(d, reads, levels.Checks(reads), now, metrics)
	cat, err := catalogue.New(d, now, enrolments)
	if err != nil {
		return nil, err
	}
	register, err := attendance.New(d, now)
	if err != nil {
		return nil, err
	}
	lookups := ratelimit.Limiter{DB: d, Name: "certificate-lookup", Max: CertificateLookupsPerMinute, Window: time.Minute}
	res := results.New(d, cat, register, lookups, now)
	issuerURL := cfg.IssuerURL
	if issuerURL == "" {
		issuerURL = config.DefaultIssuerURL
	}
	issuerName := cfg.IssuerName
	if issuerName == "" {
		issuerName = config.DefaultIssuerName
	}
	creds := credentials.New(d, cfg.SigningKeys, issuerURL, issuerName, cfg.IssuerEmail, lookups, now)
	rules := webhooks.Rules{AllowPrivate: cfg.WebhookAllowPrivate}
	hooks := &webhooks.Service{DB: d, Rules: rules, Now: now}
	source := cfg.PublicURL
	if source == "" {
		source = "urn:skillgrid"
	}
	var views pool.Views = privacy.Views{}
	var viewLog *privacy.ViewLog
	if opt.ViewFlush > 0 {
		viewLog = privacy.NewViewLog(d, opt.ViewFlush, log)
		views = viewLog
	}
	graduates := pool.New(d, cat, cat, views, demand.Filler{}, now)
	demands := demand.NewService(d, graduates, cat, now)
	priv, err := privacy.New(d, authSvc, authSvc, hasher, levels, now)
	if err != nil {
		return nil, err
	}
	outs, err := outcomes.New(d, now)
	if err != nil {
		return nil, err
	}
	ops, err := openapi.Operations()
	if err != nil {
		return nil, err
	}
	a := &App{DB: d, Auth: authSvc, Accounts: accounts, Catalogue: cat, Enrolments: enrolments, Results: res, Attendance: register, Credentials: creds, Pool: graduates, Demands: demands, Metrics: metrics, ViewLog: viewLog}
	a.Sequencer = &events.Sequencer{DB: d, Now: now, FanOut: []events.FanOut{webhooks.FanOut}}
	if cfg.SMTPURL != nil {
		a.Mailer = &email.Mailer{DB: d, SMTP: cfg.SMTPURL, From: cfg.MailFrom, PublicURL: cfg.PublicURL, ResetSeal: authSvc.ResetSeal, Now: now, Log: log}
		a.Sequencer.FanOut = append(a.Sequencer.FanOut, a.Mailer.FanOut)
	}
	a.Webhooks, a.Dispatcher = hooks, webhooks.NewDispatcher(d, rules, now, source, log)
	a.HTTP = httpapi.New(httpapi.Deps{
		Log: log, JWTSecret: cfg.JWTSecret, Spec: openapi.Spec, TrustedProxies: cfg.TrustedProxies, ReadTimeout: opt.ReadTimeout,
		Auth: authSvc, Accounts: accounts, Catalogue: cat, Enrolments: enrolments, Pool: graduates, Demands: demands,
		Reports: &reports.Service{DB: d}, Outcomes: outs, Privacy: priv, Audit: audit.Trail{DB: d}, Results: res, Attendance: register, Credentials: creds,
		Notifications: &notify.Service{DB: d, Now: now}, Events: events.Log{DB: d}, Webhooks: hooks,
		Ready:      func(ctx context.Context) error { return Ready(ctx, d) },
		Operations: ops, Metrics: metrics, MetricsElsewhere: cfg.MetricsAddr != "", CORSOrigins: cfg.CORSOrigins,
	})
	return a, nil
}

// Prune deletes the rate-limit and failed-login counters whose windows have
// passed. Any process may run it at any time: it only removes rows that no
// longer count.
func (a *App) Prune(ctx context.Context) error {
	if _, err := a.Auth.PruneCounters(ctx); err != nil {
		return err
	}
	// Reset tokens waiting for an e-mail that never went (no SMTP, or it
	// failed) are useless once expired.
	_, err := db.Exec(ctx, a.DB, `DELETE FROM mail_secrets WHERE expires_at < ?0`, a.Auth.Now())
	return err
}

// SequenceInterval is how often serve numbers newly committed events (and
// so fans them out to webhooks and e-mail).
const SequenceInterval = 250 * time.Millisecond

// DispatchInterval is how often serve looks for webhook deliveries due.
const DispatchInterval = time.Second

// StartOutbox starts, until ctx ends, what carries committed events on:
// the sequencer, the webhook dispatcher and the mailer. Every serve
// process runs them; the database shares the work out.
func (a *App) StartOutbox(ctx context.Context, log *slog.Logger) {
	go every.Run(ctx, SequenceInterval, log, "sequence events", a.Sequencer.Drain)
	go every.Run(ctx, DispatchInterval, log, "deliver webhooks", a.Dispatcher.Drain)
	if a.Mailer != nil {
		go every.Run(ctx, DispatchInterval, log, "send mail", a.Mailer.Drain)
	}
}

// StartHousekeeping starts, until ctx ends, the jobs any number of serve
// processes may run at once: pruning expired counters and reset secrets,
// and telling companies of their demands' new matches (each pair once).
func (a *App) StartHousekeeping(ctx context.Context, log *slog.Logger) {
	go every.Run(ctx, PruneInterval, log, "prune counters", a.Prune)
	go every.Run(ctx, AnnounceInterval, log, "announce demand matches", func(ctx context.Context) error {
		_, err := a.Demands.AnnounceNewMatches(ctx)
		return err
	})
}

// PruneInterval is how often serve prunes expired counters.
const PruneInterval = 10 * time.Minute

// AnnounceInterval is how often serve looks for demands' new matches.
const AnnounceInterval = time.Minute

// Ready reports whether d answers and has every migration applied.
func Ready(ctx context.Context, d *bun.DB) error {
	if err := d.PingContext(ctx); err != nil {
		return fmt.Errorf("ping: %w", err)
	}
	n, err := migrations.Pending(ctx, d)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("%d migrations pending", n)
	}
	return nil
}

// Serve answers on ln until ctx ends, then stops taking connections and
// lets in-flight requests finish (up to grace) before returning.
func Serve(ctx context.Context, app *fiber.App, ln net.Listener, grace time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	if err := app.ShutdownWithTimeout(grace); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return <-errc
}

// ServeMetrics answers GET /metrics from reg on ln (the internal address
// of SKILLGRID_METRICS_ADDR) until ctx ends; anything else there is 404.
func ServeMetrics(ctx context.Context, reg *prometheus.Registry, ln net.Listener) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", httpapi.MetricsHandler(reg))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 15 * time.Second, WriteTimeout: 30 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shutdown metrics: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
