// Command bench-rush measures a registration rush: N trainees with tokens
// enrol in one cohort of M seats at once, over HTTP, against a real
// `skillgrid serve` process on SQLite or PostgreSQL. It prints throughput,
// latency percentiles and the error count, then checks the seat invariant
// in the database and exits non-zero if anything broke. With -servers 2 the
// rush is spread over two `serve` processes on the same database, which is
// how the invariant is shown to hold across processes.
//
//	go run ./cmd/bench-rush -bin bin/skillgrid -db sqlite -n 1000 -seats 50 -c 64
//	go run ./cmd/bench-rush -bin bin/skillgrid -db postgres -servers 2
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sort"
	"sync"
	"time"

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
	n := flag.Int("n", 1000, "trainees rushing")
	seats := flag.Int("seats", 50, "seats in the cohort")
	conc := flag.Int("c", 64, "requests in flight at once")
	servers := flag.Int("servers", 1, "serve processes sharing the database; requests alternate between them")
	flag.Parse()
	if *servers < 1 {
		fmt.Fprintln(os.Stderr, "bench-rush: -servers must be at least 1")
		os.Exit(2)
	}
	if err := run(*bin, *dialect, *pgURL, *n, *seats, *conc, *servers); err != nil {
		fmt.Fprintln(os.Stderr, "bench-rush:", err)
		os.Exit(1)
	}
}

func run(bin, dialect, pgURL string, n, seats, conc, servers int) error {
	ctx := context.Background()
	dsn, cleanup, err := bench.FreshDatabase(ctx, "bench-rush", dialect, pgURL)
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
	cohortID, tokens, err := fixtures(ctx, d, n, seats)
	if err != nil {
		return fmt.Errorf("fixtures: %w", err)
	}

	bases, pids := make([]string, servers), make([]int, servers)
	for i := range bases {
		srv, err := bench.Serve(bin, dsn, "SKILLGRID_JWT_SECRET="+secret, "SKILLGRID_ACCESS_TOKEN_TTL="+tokenTTL.String())
		if err != nil {
			return err
		}
		defer srv.Stop()
		bases[i], pids[i] = srv.Base, srv.PID
	}

	// Warm up: open the servers' database connections and exercise the
	// token check and cohort reads, so the timed rush measures steady
	// state rather than connection set-up.
	for _, base := range bases {
		warm(base, cohortID, tokens, conc)
	}
	cpu := func() (t time.Duration) {
		for _, pid := range pids {
			t += bench.CPUTime(pid)
		}
		return t
	}
	cpu0 := cpu()
	lat, codes, answers, wall := fire(bases, "/v1/cohorts/"+cohortID+"/enrolments", tokens, conc)
	used := cpu() - cpu0
	errs := 0
	for code, k := range codes {
		if code != http.StatusCreated {
			errs += k
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	fmt.Printf("db=%s trainees=%d seats=%d concurrency=%d servers=%d\n", dialect, n, seats, conc, servers)
	fmt.Printf("  %.0f requests/s over %v; latency p50 %v p95 %v p99 %v max %v; errors %d; statuses %v\n",
		float64(n)/wall.Seconds(), wall.Round(time.Millisecond),
		bench.Percentile(lat, 50), bench.Percentile(lat, 95), bench.Percentile(lat, 99), lat[len(lat)-1].Round(time.Microsecond), errs, codes)

	if used > 0 {
		// CPU time is what the servers spent whatever else ran on the
		// machine: the figure to compare on a shared box (the database
		// server's own, on PostgreSQL, is not in it).
		fmt.Printf("  server CPU: %v for the rush, %v per enrolment\n", used.Round(time.Millisecond), (used / time.Duration(n)).Round(time.Microsecond))
	}

	if err := verify(ctx, d, cohortID, n, seats, answers); err != nil {
		fmt.Println("  INVARIANT BROKEN:", err)
		return err
	}
	fmt.Println("  invariant intact: seats held = capacity, waitlist 1..n in arrival order, every 201 stored")
	if errs > 0 {
		return fmt.Errorf("%d requests failed", errs)
	}
	return nil
}

// tokenTTL is the access-token lifetime of the bench's server and of the
// tokens the bench signs for it: a longer one would be refused.
const tokenTTL = time.Hour

// fixtures makes a published course, a cohort of `seats` open now, and n
// trainees with access tokens, through the services.
func fixtures(ctx context.Context, d *bun.DB, n, seats int) (string, []string, error) {
	cfg := config.Config{JWTSecret: []byte(secret), AccessTokenTTL: tokenTTL, RefreshTokenTTL: tokenTTL}
	a, err := app.Build(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), d, app.Options{Hashing: auth.HashOptions{Params: auth.HashParams{Memory: 64, Time: 1, Threads: 1}}})
	if err != nil {
		return "", nil, err
	}
	admin, err := a.Accounts.CreateAccount(ctx, account.NewUser{Email: "ops@bench.kr", Password: "bench-password", Name: "Ops", Role: auth.Admin})
	if err != nil {
		return "", nil, err
	}
	ins, err := a.Accounts.CreateAccount(ctx, account.NewUser{Email: "ins@bench.kr", Password: "bench-password", Name: "Ins", Role: auth.Instructor})
	if err != nil {
		return "", nil, err
	}
	actor := auth.Actor{ID: admin.ID, Role: auth.Admin}
	course, err := a.Catalogue.CreateCourse(ctx, actor, catalogue.NewCourse{
		Code: "BMS-101", Title: "BMS 입문 (BMS Foundations)", Description: "rush", Track: "bms", Level: 1, Hours: 40, Status: "published",
	})
	if err != nil {
		return "", nil, err
	}
	now := time.Now()
	cohort, err := a.Catalogue.CreateCohort(ctx, actor, course.ID, catalogue.NewCohort{
		Label: "rush", InstructorID: ins.ID, Capacity: seats,
		StartsOn: catalogue.Today(now.AddDate(0, 0, 14)), EndsOn: catalogue.Today(now.AddDate(0, 0, 60)),
		EnrolOpensAt: now.Add(-time.Minute), EnrolClosesAt: now.Add(24 * time.Hour), Mode: "onsite",
	})
	if err != nil {
		return "", nil, err
	}
	tokens := make([]string, n)
	for i := range tokens {
		p, err := a.Accounts.Register(ctx, account.NewUser{
			Email: fmt.Sprintf("trainee%05d@bench.kr", i), Password: "bench-password", Name: fmt.Sprintf("훈련생 %d", i), Role: auth.Trainee,
		})
		if err != nil {
			return "", nil, err
		}
		pair, err := a.Auth.IssueFor(ctx, p.ID, auth.Trainee)
		if err != nil {
			return "", nil, err
		}
		tokens[i] = pair.AccessToken
	}
	return cohort.ID, tokens, nil
}

// answer is what the server said to one 201.
type answer struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Position *int64 `json:"waitlist_position"`
}

// fire sends one enrol request per token, conc at a time, released
// together, alternating between the servers.
func fire(bases []string, path string, tokens []string, conc int) ([]time.Duration, map[int]int, []answer, time.Duration) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc}, Timeout: 30 * time.Second}
	lat := make([]time.Duration, len(tokens))
	status := make([]int, len(tokens))
	answers := make([]answer, len(tokens))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				req, _ := http.NewRequest(http.MethodPost, bases[i%len(bases)]+path, nil)
				req.Header.Set("Authorization", "Bearer "+tokens[i])
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					lat[i], status[i] = time.Since(t0), -1
					continue
				}
				_ = json.NewDecoder(res.Body).Decode(&answers[i])
				res.Body.Close()
				lat[i], status[i] = time.Since(t0), res.StatusCode
			}
		}()
	}
	start := time.Now()
	for i := range tokens {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	wall := time.Since(start)
	codes := map[int]int{}
	var created []answer
	for i, s := range status {
		codes[s]++
		if s == http.StatusCreated {
			created = append(created, answers[i])
		}
	}
	return lat, codes, created, wall
}

func warm(base, cohortID string, tokens []string, conc int) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc}, Timeout: 30 * time.Second}
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 5; i++ {
				for _, path := range []string{"/v1/me", "/v1/cohorts/" + cohortID} {
					req, _ := http.NewRequest(http.MethodGet, base+path, nil)
					req.Header.Set("Authorization", "Bearer "+tokens[(w*5+i)%len(tokens)])
					if res, err := client.Do(req); err == nil {
						_, _ = io.Copy(io.Discard, res.Body)
						res.Body.Close()
					}
				}
			}
		}()
	}
	wg.Wait()
}

// verify checks the invariant from the database and against what the
// server answered: seats held equal the capacity and the seat counter;
// every 201 is stored with the status it announced; the waitlist numbers
// are exactly 1..k; and, as nobody left the line during the rush, each
// waitlisted answer's position is its own number, so positions follow
// arrival order.
func verify(ctx context.Context, d *bun.DB, cohortID string, n, seats int, created []answer) error {
	var rows []struct {
		ID     string `bun:"id"`
		Status string `bun:"status"`
		Seq    *int64 `bun:"waitlist_seq"`
	}
	if err := d.NewSelect().Table("enrolments").Column("id", "status", "waitlist_seq").
		Where("cohort_id = ?", cohortID).Scan(ctx, &rows); err != nil {
		return err
	}
	var taken int
	if err := d.NewSelect().Table("cohorts").Column("seats_taken").Where("id = ?", cohortID).Scan(ctx, &taken); err != nil {
		return err
	}
	byID := map[string]int{}
	held := 0
	var seqs []int64
	for i, r := range rows {
		byID[r.ID] = i
		switch r.Status {
		case "enrolled", "completed", "failed":
			held++
		case "waitlisted":
			if r.Seq == nil {
				return fmt.Errorf("waitlisted %s has no number", r.ID)
			}
			seqs = append(seqs, *r.Seq)
		}
	}
	want := min(n, seats)
	if held != want || taken != held {
		return fmt.Errorf("seats held %d, counter %d, want %d", held, taken, want)
	}
	if len(seqs) != n-want {
		return fmt.Errorf("%d waitlisted, want %d", len(seqs), n-want)
	}
	sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
	for i, s := range seqs {
		if s != int64(i+1) {
			return fmt.Errorf("waitlist numbers are not 1..%d (the first ones: %v)", len(seqs), seqs[:min(len(seqs), 10)])
		}
	}
	for _, a := range created {
		i, ok := byID[a.ID]
		if !ok {
			return fmt.Errorf("201 for %s, which is not in the database", a.ID)
		}
		r := rows[i]
		if r.Status != a.Status {
			return fmt.Errorf("201 said %s is %s; the database says %s", a.ID, a.Status, r.Status)
		}
		if a.Status == "waitlisted" && (a.Position == nil || *a.Position != *r.Seq) {
			return fmt.Errorf("201 gave %s waitlist position %v; its number is %d", a.ID, a.Position, *r.Seq)
		}
	}
	return nil
}
