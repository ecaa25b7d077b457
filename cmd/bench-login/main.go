// Command bench-login measures a login storm: N trainees sign in at once,
// over HTTP, against a real `skillgrid serve` process on SQLite or
// PostgreSQL, while a reader polls GET /v1/cohorts?open=true. It prints
// logins per second, login latency percentiles, the reader's latency
// before and during the storm, and the answers by status; it exits
// non-zero if any login or read failed. The trainees' password hashes are
// inserted directly (one argon2id hash with the server's parameters,
// computed once), so seeding takes seconds, and no login needs an upgrade.
//
//	go run ./cmd/bench-login -bin bin/skillgrid -db sqlite -n 1000 -c 64
//	go run ./cmd/bench-login -bin bin/skillgrid -db postgres
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/app"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/bench"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/config"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/migrations"
)

const (
	secret   = "bench-secret-bench-secret-bench-secret-00"
	password = "bench-password-2026"
)

func main() {
	bin := flag.String("bin", "bin/skillgrid", "the skillgrid binary to serve with")
	dialect := flag.String("db", "sqlite", "sqlite or postgres")
	pgURL := flag.String("pg", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL server to make a throwaway database on")
	n := flag.Int("n", 1000, "trainees signing in")
	conc := flag.Int("c", 64, "logins in flight at once")
	every := flag.Duration("read-every", 10*time.Millisecond, "pause between the reader's requests")
	flag.Parse()
	if err := run(*bin, *dialect, *pgURL, *n, *conc, *every); err != nil {
		fmt.Fprintln(os.Stderr, "bench-login:", err)
		os.Exit(1)
	}
}

func run(bin, dialect, pgURL string, n, conc int, every time.Duration) error {
	ctx := context.Background()
	dsn, cleanup, err := bench.FreshDatabase(ctx, "bench-login", dialect, pgURL)
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
	t0 := time.Now()
	emails, err := fixtures(ctx, d, n)
	if err != nil {
		return fmt.Errorf("fixtures: %w", err)
	}
	seeded := time.Since(t0)

	srv, err := bench.Serve(bin, dsn, "SKILLGRID_JWT_SECRET="+secret)
	if err != nil {
		return err
	}
	defer srv.Stop()
	base, pid := srv.Base, srv.PID
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc}, Timeout: 60 * time.Second}
	readURL := base + "/v1/cohorts?open=true"

	// Warm up connections and caches, then measure the reader alone.
	for i := 0; i < 20; i++ {
		if _, err := get(client, readURL); err != nil {
			return err
		}
	}
	// The reader has a client of its own, so it never waits behind the
	// storm's connections.
	reader := &http.Client{Timeout: 60 * time.Second}
	alone := make(chan struct{})
	time.AfterFunc(2*time.Second, func() { close(alone) })
	idle := poll(reader, readURL, every, alone)

	stormDone := make(chan struct{})
	readerOut := make(chan readings, 1)
	go func() { readerOut <- poll(reader, readURL, every, stormDone) }()
	cpu0 := bench.CPUTime(pid)
	lat, codes, wall := storm(client, base+"/v1/auth/login", emails, conc)
	cpu := bench.CPUTime(pid) - cpu0
	close(stormDone)
	busy := <-readerOut

	hp := auth.DefaultHashParams
	fmt.Printf("db=%s trainees=%d concurrency=%d argon2id m=%d KiB t=%d p=%d (seeded in %v)\n",
		dialect, n, conc, hp.Memory, hp.Time, hp.Threads, seeded.Round(time.Millisecond))
	ok := codes[http.StatusOK]
	fmt.Printf("  logins: %.1f/s over %v; p50 %v p99 %v max %v; statuses %v\n",
		float64(ok)/wall.Seconds(), wall.Round(time.Millisecond), bench.Percentile(lat, 50), bench.Percentile(lat, 99), bench.Percentile(lat, 100), codes)
	if cpu > 0 {
		// CPU time is what the server spent whatever else ran on the
		// machine: the figure to trust on a shared box.
		per := cpu / time.Duration(n)
		fmt.Printf("  server CPU: %v for the storm, %v per login (reads included): at most %.0f logins/s on %d idle cores\n",
			cpu.Round(time.Millisecond), per.Round(10*time.Microsecond), float64(runtime.NumCPU())/per.Seconds(), runtime.NumCPU())
	}
	fmt.Printf("  reader GET /v1/cohorts?open=true alone:       %d reads, p50 %v p99 %v max %v, statuses %v\n",
		len(idle.lat), bench.Percentile(idle.lat, 50), bench.Percentile(idle.lat, 99), bench.Percentile(idle.lat, 100), idle.codes)
	fmt.Printf("  reader GET /v1/cohorts?open=true during storm: %d reads, p50 %v p99 %v max %v, statuses %v\n",
		len(busy.lat), bench.Percentile(busy.lat, 50), bench.Percentile(busy.lat, 99), bench.Percentile(busy.lat, 100), busy.codes)
	if ok != n {
		return fmt.Errorf("%d of %d logins failed", n-ok, n)
	}
	if busy.codes[http.StatusOK] != len(busy.lat) || idle.codes[http.StatusOK] != len(idle.lat) {
		return errors.New("some reads failed")
	}
	return nil
}

// fixtures makes a published course with a few open cohorts through the
// services, and n active trainees whose password is `password`, inserted
// directly with one hash computed once. It returns their emails.
func fixtures(ctx context.Context, d *bun.DB, n int) ([]string, error) {
	cfg := config.Config{JWTSecret: []byte(secret), AccessTokenTTL: time.Hour, RefreshTokenTTL: time.Hour}
	a, err := app.Build(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), d, app.Options{})
	if err != nil {
		return nil, err
	}
	admin, err := a.Accounts.CreateAccount(ctx, account.NewUser{Email: "ops@bench.kr", Password: password, Name: "Ops", Role: auth.Admin})
	if err != nil {
		return nil, err
	}
	ins, err := a.Accounts.CreateAccount(ctx, account.NewUser{Email: "ins@bench.kr", Password: password, Name: "Ins", Role: auth.Instructor})
	if err != nil {
		return nil, err
	}
	actor := auth.Actor{ID: admin.ID, Role: auth.Admin}
	course, err := a.Catalogue.CreateCourse(ctx, actor, catalogue.NewCourse{
		Code: "BMS-101", Title: "BMS 입문 (BMS Foundations)", Description: "storm", Track: "bms", Level: 1, Hours: 40, Status: "published",
	})
	if err != nil {
		return nil, err
	}
	now := time.Now()
	for i := 0; i < 10; i++ {
		_, err := a.Catalogue.CreateCohort(ctx, actor, course.ID, catalogue.NewCohort{
			Label: fmt.Sprintf("storm %d", i), InstructorID: ins.ID, Capacity: 30,
			StartsOn: catalogue.Today(now.AddDate(0, 0, 14+i)), EndsOn: catalogue.Today(now.AddDate(0, 0, 60+i)),
			EnrolOpensAt: now.Add(-time.Minute), EnrolClosesAt: now.Add(24 * time.Hour), Mode: "onsite",
		})
		if err != nil {
			return nil, err
		}
	}
	hash, err := a.Auth.Hasher.Hash(ctx, password)
	if err != nil {
		return nil, err
	}
	emails := make([]string, n)
	users := make([]account.User, 0, n)
	for i := range emails {
		emails[i] = fmt.Sprintf("trainee%05d@bench.kr", i)
		name := fmt.Sprintf("훈련생 %d", i)
		users = append(users, account.User{
			ID: ids.New(), Email: emails[i], PasswordHash: hash, Name: name, SearchName: account.SearchName(name),
			Role: auth.Trainee, Active: true, Locale: "en", CreatedAt: now, UpdatedAt: now,
		})
	}
	for i := 0; i < len(users); i += 500 {
		batch := users[i:min(i+500, len(users))]
		if _, err := d.NewInsert().Model(&batch).Exec(ctx); err != nil {
			return nil, fmt.Errorf("insert trainees: %w", err)
		}
	}
	return emails, nil
}

// storm signs every email in, conc at a time, all released together.
func storm(client *http.Client, u string, emails []string, conc int) ([]time.Duration, map[int]int, time.Duration) {
	lat := make([]time.Duration, len(emails))
	status := make([]int, len(emails))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				body := `{"email":"` + emails[i] + `","password":"` + password + `"}`
				req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					lat[i], status[i] = time.Since(t0), -1
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				lat[i], status[i] = time.Since(t0), res.StatusCode
			}
		}()
	}
	start := time.Now()
	for i := range emails {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	wall := time.Since(start)
	codes := map[int]int{}
	for _, s := range status {
		codes[s]++
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat, codes, wall
}

// readings are one reader's latencies (sorted) and answers by status.
type readings struct {
	lat   []time.Duration
	codes map[int]int
}

// poll reads u one request at a time, pausing every between requests,
// until done is closed.
func poll(client *http.Client, u string, every time.Duration, done <-chan struct{}) readings {
	r := readings{codes: map[int]int{}}
	var stopped atomic.Bool
	go func() { <-done; stopped.Store(true) }()
	for !stopped.Load() {
		t0 := time.Now()
		code, _ := get(client, u)
		r.lat = append(r.lat, time.Since(t0))
		r.codes[code]++
		time.Sleep(every)
	}
	sort.Slice(r.lat, func(i, j int) bool { return r.lat[i] < r.lat[j] })
	return r
}

func get(client *http.Client, u string) (int, error) {
	res, err := client.Get(u)
	if err != nil {
		return -1, err
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}
