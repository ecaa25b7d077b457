// Command skillgrid is the SkillGrid API server and its admin tools:
//
//	skillgrid serve [--dev]
//	skillgrid migrate up|down|status
//	skillgrid user create --role admin|instructor --email E --name N [--password-file F]
//	skillgrid user set-password --email E [--password-file F]
//	skillgrid seed --demo
//	skillgrid verify [--jwks FILE|URL] [--status FILE|URL] [--at TIME] FILE
//
// The user commands read the password from the first line of standard
// input, or of the file --password-file names: never from the command line,
// where ps and shell history would show it.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/app"
	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/config"
	"github.com/skillgrid/skillgrid/internal/demo"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/privacy"
	"github.com/skillgrid/skillgrid/migrations"
)

const usage = `usage:
  skillgrid serve [--dev]
  skillgrid migrate up|down|status
  skillgrid user create --role admin|instructor --email E --name N [--password-file F]
  skillgrid user set-password --email E [--password-file F]
  skillgrid seed --demo
  skillgrid verify [--jwks FILE|URL] [--status FILE|URL] [--at TIME] FILE
the user commands read the password from standard input (one line) or --password-file`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "skillgrid:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, in io.Reader, out io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	if args[0] == "verify" {
		// A verifier needs none of the server's configuration.
		return verify(ctx, args[1:], out)
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: cfg.LogLevel}))
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, log, args[1:])
	case "migrate":
		return migrate(ctx, cfg, args[1:], out)
	case "user":
		return user(ctx, cfg, args[1:], in, out)
	case "seed":
		return seed(ctx, cfg, log, args[1:], out)
	}
	return fmt.Errorf("unknown command %q\n%s", args[0], usage)
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dev := fs.Bool("dev", false, "make a random JWT secret when SKILLGRID_JWT_SECRET is unset")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.RequireSecret(); err != nil {
		if !*dev {
			return err
		}
		b := make([]byte, 48)
		_, _ = rand.Read(b)
		cfg.JWTSecret = []byte(base64.RawStdEncoding.EncodeToString(b))
		log.Warn("--dev: SKILLGRID_JWT_SECRET is unset, so a random one was made; tokens die when the process stops")
	}
	d, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	reads, err := db.OpenReads(ctx, cfg.DatabaseURL, d)
	if err != nil {
		return fmt.Errorf("SKILLGRID_DATABASE_URL: %w", err)
	}
	if reads != d {
		defer reads.Close()
	}
	// Password hashing gets one slot per processor the runtime uses, and the
	// runtime one processor more: during a login storm the rest of the API
	// then runs beside the hashes (the OS shares the cores) instead of
	// waiting for Go to preempt one. Setting it stops Go from following a
	// later change of the container's CPU limit; a restart picks that up.
	hashSlots := runtime.GOMAXPROCS(0)
	runtime.GOMAXPROCS(hashSlots + 1)
	a, err := app.Build(cfg, log, d, app.Options{Hashing: auth.HashOptions{Slots: hashSlots}, ViewFlush: privacy.ViewFlushEvery, Reads: reads})
	if err != nil {
		return err
	}
	if cfg.AdminEmail != "" {
		made, err := a.Accounts.EnsureAdmin(ctx, cfg.AdminEmail, cfg.AdminPassword)
		if err != nil {
			return fmt.Errorf("bootstrap admin (SKILLGRID_ADMIN_EMAIL): %w", err)
		}
		if made {
			log.Info("bootstrap admin created", "email", cfg.AdminEmail)
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("SKILLGRID_ADDR: %w", err)
	}
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	metricsDone := make(chan error, 1)
	if cfg.MetricsAddr == "" {
		metricsDone <- nil // /metrics is on the public port
	} else {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			_ = ln.Close()
			return fmt.Errorf("SKILLGRID_METRICS_ADDR: %w", err)
		}
		go func() {
			err := app.ServeMetrics(ctx, a.Metrics, mln)
			if err != nil {
				log.Error("metrics server stopped", "err", err.Error())
				stop() // one server down takes the process down, not half of it
			}
			metricsDone <- err
		}()
		log.Info("serving metrics", "addr", mln.Addr().String())
	}
	a.StartHousekeeping(ctx, log)
	a.StartOutbox(ctx, log)
	// The profile views gathered are written until the HTTP server has
	// stopped, then the last of them: its own context, ended after Serve.
	viewsCtx, stopViews := context.WithCancel(context.WithoutCancel(ctx))
	viewsDone := make(chan struct{})
	go func() { a.ViewLog.Run(viewsCtx); close(viewsDone) }()
	log.Info("serving", "addr", ln.Addr().String(), "docs", "http://"+ln.Addr().String()+"/docs/")
	err = app.Serve(ctx, a.HTTP, ln, 30*time.Second)
	stopViews()
	<-viewsDone
	stop()
	if merr := <-metricsDone; err == nil {
		err = merr
	}
	log.Info("stopped")
	return err
}

func openMigrated(ctx context.Context, cfg config.Config) (*bun.DB, error) {
	d, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("SKILLGRID_DATABASE_URL: %w", err)
	}
	if _, err := migrations.Up(ctx, d); err != nil {
		_ = d.Close()
		return nil, err
	}
	return d, nil
}

func migrate(ctx context.Context, cfg config.Config, args []string, out io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: skillgrid migrate up|down|status")
	}
	d, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("SKILLGRID_DATABASE_URL: %w", err)
	}
	defer d.Close()
	switch args[0] {
	case "up":
		g, err := migrations.Up(ctx, d)
		if err != nil {
			return err
		}
		if g.IsZero() {
			fmt.Fprintln(out, "nothing to migrate: the database is up to date")
			return nil
		}
		fmt.Fprintf(out, "migrated to %s\n", g)
	case "down":
		g, err := migrations.Down(ctx, d)
		if err != nil {
			return err
		}
		if g.IsZero() {
			fmt.Fprintln(out, "nothing to roll back")
			return nil
		}
		fmt.Fprintf(out, "rolled back %s\n", g)
	case "status":
		ms, err := migrations.Status(ctx, d)
		if err != nil {
			return err
		}
		for _, m := range ms {
			state := "pending"
			if m.IsApplied() {
				state = "applied (group " + fmt.Sprint(m.GroupID) + ")"
			}
			fmt.Fprintf(out, "%s %s %s\n", m.Name, m.Comment, state)
		}
		fmt.Fprintf(out, "%d applied, %d pending\n", len(ms.Applied()), len(ms.Unapplied()))
	default:
		return fmt.Errorf("unknown migrate action %q: want up, down or status", args[0])
	}
	return nil
}

const userUsage = `usage:
  skillgrid user create --role admin|instructor --email E --name N [--password-file F]
  skillgrid user set-password --email E [--password-file F]
the password is read from standard input (one line) or from --password-file`

func user(ctx context.Context, cfg config.Config, args []string, in io.Reader, out io.Writer) error {
	if len(args) == 0 {
		return errors.New(userUsage)
	}
	switch args[0] {
	case "create":
		return userCreate(ctx, cfg, args[1:], in, out)
	case "set-password":
		return userSetPassword(ctx, cfg, args[1:], in, out)
	}
	return fmt.Errorf("unknown user action %q\n%s", args[0], userUsage)
}

func userCreate(ctx context.Context, cfg config.Config, args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	role := fs.String("role", "", "admin or instructor")
	email := fs.String("email", "", "login email")
	name := fs.String("name", "", "display name")
	file := fs.String("password-file", "", "read the password from this file's first line instead of standard input")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w\n%s", err, userUsage)
	}
	password, err := readPassword(in, *file)
	if err != nil {
		return err
	}
	a, done, err := buildApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	p, err := a.Accounts.CreateAccount(ctx, account.NewUser{
		Email: *email, Password: password, Name: *name, Role: auth.Role(*role),
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "created %s %s (%s)\n", p.Role, p.Email, p.ID)
	return nil
}

func userSetPassword(ctx context.Context, cfg config.Config, args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("user set-password", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	email := fs.String("email", "", "the account's login email")
	file := fs.String("password-file", "", "read the password from this file's first line instead of standard input")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w\n%s", err, userUsage)
	}
	if *email == "" {
		return fmt.Errorf("--email is required\n%s", userUsage)
	}
	password, err := readPassword(in, *file)
	if err != nil {
		return err
	}
	a, done, err := buildApp(ctx, cfg)
	if err != nil {
		return err
	}
	defer done()
	if err := a.Auth.SetPassword(ctx, *email, password); err != nil {
		if apperr.IsKind(err, apperr.KindNotFound) {
			return fmt.Errorf("no account has the email %q", *email)
		}
		return err
	}
	fmt.Fprintf(out, "password of %s set; every session of the account has ended\n", *email)
	return nil
}

// readPassword reads one line, the password, from the file named by path,
// or from in when path is empty. The line ending is not part of it.
func readPassword(in io.Reader, path string) (string, error) {
	src, what := in, "standard input"
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return "", fmt.Errorf("--password-file: %w", err)
		}
		defer f.Close()
		src, what = f, path
	}
	line, err := bufio.NewReader(io.LimitReader(src, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the password from %s: %w", what, err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("no password: give it as one line on %s (or use --password-file)", what)
	}
	return line, nil
}

// buildApp opens the migrated database and wires the services, for the
// admin commands; done closes the database.
func buildApp(ctx context.Context, cfg config.Config) (*app.App, func(), error) {
	d, err := openMigrated(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	a, err := app.Build(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), d, app.Options{})
	if err != nil {
		_ = d.Close()
		return nil, nil, err
	}
	return a, func() { _ = d.Close() }, nil
}

func seed(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	demoFlag := fs.Bool("demo", false, "load the demo programme and accounts")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !*demoFlag {
		return errors.New("usage: skillgrid seed --demo")
	}
	d, err := openMigrated(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	a, err := app.Build(cfg, log, d, app.Options{})
	if err != nil {
		return err
	}
	made, err := demo.Seed(ctx, a)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "demo data loaded: %d new records (running it again changes nothing)\n", made)
	return nil
}
