// Command bench-read measures the catalogue's hot reads against the
// framework's own ceiling, in one run: for each of the catalogue list by
// track and level, a course, a cohort page and the open-cohort list, it
// drives a real `skillgrid serve` process (SQLite or PostgreSQL) with a
// constant number of anonymous requests in flight, then drives a bare
// Fiber handler (this same binary, re-run as a separate process, with no
// middleware and no database) that answers the very bytes the server
// answered, and prints both rates, their p99 and the ratio. Absolute
// figures depend on what else runs on the machine; the ratio, measured
// minutes apart under the same load, is the figure to compare.
//
//	go run ./cmd/bench-read -bin bin/skillgrid -db sqlite
//	go run ./cmd/bench-read -bin bin/skillgrid -db postgres -d 5s -c 64
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/app"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/bench"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/config"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/migrations"
)

const secret = "bench-secret-bench-secret-bench-secret-00"

func main() {
	bin := flag.String("bin", "bin/skillgrid", "the skillgrid binary to serve with")
	dialect := flag.String("db", "sqlite", "sqlite or postgres")
	pgURL := flag.String("pg", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL server to make a throwaway database on")
	conc := flag.Int("c", 64, "requests in flight at once")
	dur := flag.Duration("d", 5*time.Second, "load per measurement")
	etag := flag.Bool("etag", true, "also measure the 304 answer to a client that sends the ETag back")
	bare := flag.String("bare", "", "internal: serve this file's bytes as bare Fiber at $SKILLGRID_ADDR")
	flag.Parse()
	if *bare != "" {
		if err := serveBare(*bare); err != nil {
			fmt.Fprintln(os.Stderr, "bench-read -bare:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*bin, *dialect, *pgURL, *conc, *dur, *etag); err != nil {
		fmt.Fprintln(os.Stderr, "bench-read:", err)
		os.Exit(1)
	}
}

func run(bin, dialect, pgURL string, conc int, dur time.Duration, etag bool) error {
	ctx := context.Background()
	dsn, cleanup, err := bench.FreshDatabase(ctx, "bench-read", dialect, pgURL)
	if err != nil {
		return err
	}
	defer cleanup()
	d, err := db.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := migrations.Up(ctx, d); err != nil {
		return err
	}
	f, err := fixtures(ctx, d)
	if err != nil {
		return fmt.Errorf("fixtures: %w", err)
	}
	srv, err := bench.Serve(bin, dsn, "SKILLGRID_JWT_SECRET="+secret)
	if err != nil {
		return err
	}
	defer srv.Stop()
	self, err := os.Executable()
	if err != nil {
		return err
	}

	paths := []struct{ name, path string }{
		{"/v1/courses?track=bms&level=1", "/v1/courses?track=bms&level=1"},
		{"/v1/courses/{id}", "/v1/courses/" + f.courseID},
		{"/v1/cohorts/{id}", "/v1/cohorts/" + f.cohortID},
		{"/v1/cohorts?open=true", "/v1/cohorts?open=true"},
	}
	fmt.Printf("db=%s concurrency=%d load=%v per measurement, GOMAXPROCS of this machine's %d cores; %s\n",
		dialect, conc, dur, runtime.NumCPU(), time.Now().UTC().Format(time.RFC3339))
	fmt.Printf("  %-36s %7s  %-28s  %-28s  %s\n", "GET", "bytes", "serve", "bare Fiber, same bytes", "ratio")
	for _, route := range paths {
		p := route.path
		status, body, err := bench.Fetch(srv.Base + p)
		if err != nil || status != http.StatusOK {
			return fmt.Errorf("GET %s: %d %v", p, status, err)
		}
		// Warm up both before measuring.
		if _, err := bench.Drive(srv.Base+p, conc, dur/5, http.StatusOK); err != nil {
			return err
		}
		cpu0 := bench.CPUTime(srv.PID)
		real, err := bench.Drive(srv.Base+p, conc, dur, http.StatusOK)
		if err != nil {
			return err
		}
		cpu := bench.CPUTime(srv.PID) - cpu0
		bareLoad, bareCPU, err := measureBare(self, body, conc, dur)
		if err != nil {
			return err
		}
		fmt.Printf("  %-36s %7d  %s  %s  %.3f   (CPU/request: serve %v, bare %v)\n", route.name, len(body), figures(real), figures(bareLoad),
			real.PerSecond()/bareLoad.PerSecond(), perRequest(cpu, real), perRequest(bareCPU, bareLoad))
		if !etag {
			continue
		}
		_, tag, err := bench.Header(srv.Base+p, "ETag")
		if err != nil {
			return err
		}
		if tag == "" {
			fmt.Printf("  %-36s (no ETag)\n", "  304 for If-None-Match")
			continue
		}
		l, err := bench.Drive(srv.Base+p, conc, dur/2, http.StatusNotModified, "If-None-Match", tag)
		if err != nil {
			return err
		}
		fmt.Printf("  %-36s %7d  %s\n", "  304 for If-None-Match", 0, figures(l))
	}
	return nil
}

// figures are a load's rate, p99 and failures, in a fixed width.
func figures(l bench.Load) string {
	s := fmt.Sprintf("%8.0f req/s p99 %-8v", l.PerSecond(), bench.Percentile(l.Lat, 99))
	if l.Failed > 0 {
		s += fmt.Sprintf(" %d FAILED", l.Failed)
	}
	return s
}

// perRequest is a process's CPU time per good answer, a figure that
// depends less on what else runs on the machine than a rate does.
func perRequest(cpu time.Duration, l bench.Load) time.Duration {
	return (cpu / time.Duration(max(l.OK, 1))).Round(time.Microsecond)
}

// measureBare starts this binary as a bare Fiber server answering body
// and drives it as the real server was driven; it returns the load and
// the bare server's CPU time during it.
func measureBare(self string, body []byte, conc int, dur time.Duration) (bench.Load, time.Duration, error) {
	file, err := os.CreateTemp("", "bench-read-body")
	if err != nil {
		return bench.Load{}, 0, err
	}
	defer os.Remove(file.Name())
	if _, err := file.Write(body); err != nil {
		return bench.Load{}, 0, err
	}
	file.Close()
	b, err := bench.Start(self, []string{"-bare", file.Name()}, nil)
	if err != nil {
		return bench.Load{}, 0, err
	}
	defer b.Stop()
	if _, err := bench.Drive(b.Base+"/bare", conc, dur/5, http.StatusOK); err != nil {
		return bench.Load{}, 0, err
	}
	cpu0 := bench.CPUTime(b.PID)
	l, err := bench.Drive(b.Base+"/bare", conc, dur, http.StatusOK)
	return l, bench.CPUTime(b.PID) - cpu0, err
}

// serveBare is the framework's ceiling: Fiber with its defaults and one
// handler writing the file's bytes as JSON, nothing else.
func serveBare(path string) error {
	body, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	app := fiber.New(fiber.Config{DisableStartupMessage: true})
	app.Get("/readyz", func(c *fiber.Ctx) error { return c.SendStatus(http.StatusOK) })
	app.Get("/bare", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
		return c.Send(body)
	})
	ln, err := net.Listen("tcp", os.Getenv("SKILLGRID_ADDR"))
	if err != nil {
		return err
	}
	return app.Listener(ln)
}

type fixture struct {
	courseID, cohortID string
}

// fixtures make a catalogue shaped like the programme's: 120 published
// courses over the tracks and levels (eight of them bms level 1, each with
// skills and a prerequisite), and 30 open cohorts, with a few trainees
// enrolled in the first.
func fixtures(ctx context.Context, d *bun.DB) (fixture, error) {
	cfg := config.Config{JWTSecret: []byte(secret), AccessTokenTTL: time.Hour, RefreshTokenTTL: time.Hour}
	a, err := app.Build(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), d, app.Options{Hashing: auth.HashOptions{Params: auth.HashParams{Memory: 64, Time: 1, Threads: 1}}})
	if err != nil {
		return fixture{}, err
	}
	admin, err := a.Accounts.CreateAccount(ctx, account.NewUser{Email: "ops@bench.kr", Password: "bench-password", Name: "Ops", Role: auth.Admin})
	if err != nil {
		return fixture{}, err
	}
	ins, err := a.Accounts.CreateAccount(ctx, account.NewUser{Email: "ins@bench.kr", Password: "bench-password", Name: "김강사 (Instructor)", Role: auth.Instructor})
	if err != nil {
		return fixture{}, err
	}
	actor := auth.Actor{ID: admin.ID, Role: auth.Admin}
	tracks, err := a.Catalogue.ListTracks(ctx)
	if err != nil {
		return fixture{}, err
	}
	var f fixture
	var first string
	var courseIDs []string
	for i := 0; i < 120; i++ {
		track, level := tracks.Items[i%len(tracks.Items)].Code, 1+(i/len(tracks.Items))%catalogue.MaxLevel
		if i < 8 {
			track, level = "bms", 1
		}
		in := catalogue.NewCourse{
			Code: fmt.Sprintf("RD-%03d", i), Title: fmt.Sprintf("과정 %d (Course %d)", i, i),
			Description: strings.Repeat("A course of the programme. ", 3), Track: track, Level: level, Hours: 40,
			Skills: []string{"safety", "testing", fmt.Sprintf("skill-%d", i%7)}, Status: catalogue.Published,
		}
		if i > 0 && i < 8 {
			in.Prerequisites = []string{first}
		}
		c, err := a.Catalogue.CreateCourse(ctx, actor, in)
		if err != nil {
			return fixture{}, err
		}
		if i == 0 {
			first = c.ID
			f.courseID = c.ID
		}
		courseIDs = append(courseIDs, c.ID)
	}
	now := time.Now()
	for i := 0; i < 30; i++ {
		ch, err := a.Catalogue.CreateCohort(ctx, actor, courseIDs[i*3%len(courseIDs)], catalogue.NewCohort{
			Label: fmt.Sprintf("2027 봄 %d", i), InstructorID: ins.ID, Capacity: 30,
			StartsOn: catalogue.Today(now.AddDate(0, 0, 14+i)), EndsOn: catalogue.Today(now.AddDate(0, 0, 60+i)),
			EnrolOpensAt: now.Add(-time.Minute), EnrolClosesAt: now.Add(24 * time.Hour), Mode: "onsite",
		})
		if err != nil {
			return fixture{}, err
		}
		if i == 0 {
			f.cohortID = ch.ID
		}
	}
	for i := 0; i < 5; i++ {
		p, err := a.Accounts.Register(ctx, account.NewUser{
			Email: fmt.Sprintf("trainee%d@bench.kr", i), Password: "bench-password", Name: fmt.Sprintf("훈련생 %d", i), Role: auth.Trainee,
		})
		if err != nil {
			return fixture{}, err
		}
		if _, _, err := a.Enrolments.Enrol(ctx, auth.Actor{ID: p.ID, Role: auth.Trainee}, f.cohortID, p.ID); err != nil {
			return fixture{}, err
		}
	}
	return f, nil
}
