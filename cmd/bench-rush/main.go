// Command bench-rush measures a registration rush: N trainees with tokens
// enrol in one cohort of M seats at once, over HTTP, against a real
// `skillgrid serve` process on SQLite or PostgreSQL. It prints throughput,
// latency percentiles and the error count, then checks the seat invariant
// in the database and exits non-zero if anything broke. With -servers 2 the
// rush is spread over two `serve` processes on the same database, which is
// how the invariant is shown to hold across processes.
//
// In the same run it measures the rush's ceiling: after each rush, the
// same number of enrolments placed in another cohort of the same size by
// the same batch transactions (enrolment.Service.PlaceInBatches, the store
// code a rush runs), at that rush's mean batch size (read from the
// server's metrics), one after another, with no HTTP, token or checks
// around them; and it prints the rush's rate as a share of it. Each rush
// and each ceiling starts once the servers and PostgreSQL are idle. -n takes several sizes
// ("1000,16000"), each on a fresh database, and compares their rates.
//
// The fixtures are analysed before the rush, as a programme's tables are
// when its first rush begins. Before the timed rush, a warm-up rush of
// other trainees into another cohort prepares the servers' connections
// and statements. For each rush
// it prints the CPU time spent by the servers, by PostgreSQL's processes
// and by itself (the load generator shares the machine), and the same per
// enrolment for the ceiling: where a rush's time goes beyond the ceiling's
// work. -mark FILE creates FILE when the timed rush begins, for a
// system-wide profiler to start on (see the README).
//
//	go run ./cmd/bench-rush -bin bin/skillgrid -db sqlite -n 1000,16000 -seats 50 -c 64
//	go run ./cmd/bench-rush -bin bin/skillgrid -db postgres -servers 2
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/valyala/fasthttp"

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

const secret = "bench-secret-bench-secret-bench-secret-00"

// mark is the file created when a timed rush begins (-mark).
var mark string

func main() {
	bin := flag.String("bin", "bin/skillgrid", "the skillgrid binary to serve with")
	dialect := flag.String("db", "sqlite", "sqlite or postgres")
	pgURL := flag.String("pg", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL server to make a throwaway database on")
	sizes := flag.String("n", "1000", "trainees rushing; several sizes separated by commas run one after another")
	seats := flag.Int("seats", 50, "seats in the cohort")
	conc := flag.Int("c", 64, "requests in flight at once")
	servers := flag.Int("servers", 1, "serve processes sharing the database; requests alternate between them")
	flag.StringVar(&mark, "mark", "", "create this file when a timed rush begins, for a profiler to start on")
	flag.Parse()
	if *servers < 1 {
		fmt.Fprintln(os.Stderr, "bench-rush: -servers must be at least 1")
		os.Exit(2)
	}
	var rates []float64
	var ns []int
	for _, f := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			fmt.Fprintf(os.Stderr, "bench-rush: -n %q is not a list of sizes\n", *sizes)
			os.Exit(2)
		}
		rate, err := run(*bin, *dialect, *pgURL, n, *seats, *conc, *servers)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench-rush:", err)
			os.Exit(1)
		}
		rates, ns = append(rates, rate), append(ns, n)
	}
	for i := 1; i < len(rates); i++ {
		fmt.Printf("db=%s rush of %d at %.2f of the rate of %d\n", *dialect, ns[i], rates[i]/rates[0], ns[0])
	}
}

// run rushes n trainees and measures the ceiling; it returns the rush's
// enrolments per second.
func run(bin, dialect, pgURL string, n, seats, conc, servers int) (float64, error) {
	ctx := context.Background()
	dsn, cleanup, err := bench.FreshDatabase(ctx, "bench-rush", dialect, pgURL)
	if err != nil {
		return 0, err
	}
	defer cleanup()

	d, err := db.Open(ctx, dsn)
	if err != nil {
		return 0, err
	}
	defer d.Close()
	if _, err := migrations.Up(ctx, d); err != nil {
		return 0, err
	}
	// The ceiling's batches run where serve's do (db.OpenReads).
	reads, err := db.OpenReads(ctx, dsn, d)
	if err != nil {
		return 0, err
	}
	if reads != d {
		defer reads.Close()
	}
	f, err := fixtures(ctx, d, reads, n, seats)
	if err != nil {
		return 0, fmt.Errorf("fixtures: %w", err)
	}
	// A programme's tables are analysed (PostgreSQL's autovacuum does it
	// on its own), and when its first rush begins, what the statistics
	// say of enrolments is what it held before: the rush then fills the
	// table faster than anything analyses it again.
	if _, err := d.ExecContext(ctx, "ANALYZE"); err != nil {
		return 0, fmt.Errorf("analyse the fixtures: %w", err)
	}

	bases, pids := make([]string, servers), make([]int, servers)
	for i := range bases {
		srv, err := bench.Serve(bin, dsn, "SKILLGRID_JWT_SECRET="+secret, "SKILLGRID_ACCESS_TOKEN_TTL="+tokenTTL.String())
		if err != nil {
			return 0, err
		}
		defer srv.Stop()
		bases[i], pids[i] = srv.Base, srv.PID
	}

	load := newLoad(bases, conc)
	// Warm up: a rush of other trainees into another cohort opens the
	// servers' database connections and prepares every statement an
	// enrolment runs on each of them, so that the timed rush measures
	// steady state rather than set-up (the ceiling it is compared with
	// runs warm).
	if _, codes, _, _ := load.fire("/v1/cohorts/"+f.warmCohortID+"/enrolments", f.warmTokens); codes[http.StatusCreated] != len(f.warmTokens) {
		return 0, fmt.Errorf("warm-up rush: statuses %v", codes)
	}
	cpu := func() (t time.Duration) {
		for _, pid := range pids {
			t += bench.CPUTime(pid)
		}
		return t
	}
	peaks := make([]func() int, len(pids))
	for i, pid := range pids {
		peaks[i] = bench.PeakRSS(pid)
	}
	if mark != "" {
		// A system-wide profiler (perf record -a) waits for this file to
		// start on the rush (at 16,000, one rush outlasts a 3 s profile).
		_ = os.WriteFile(mark, nil, 0o644)
	}
	// A rush of 1,000 lasts under half a second, and varies as much as
	// anything that short: the same trainees rush a fresh cohort of the
	// same size again until the rushes add up to minRushLoad, and each is
	// checked against the database. Each rush is followed by its ceiling
	// (the same enrolments placed by the same batch transactions, at the
	// rush's mean batch size, in another fresh cohort, with no HTTP, token
	// or checks around them), so that what else the machine does meanwhile
	// (a checkpoint, autovacuum after the inserts) falls on both alike; and
	// each begins once the servers and PostgreSQL are idle, so that
	// neither runs beside the work the other left behind.
	var (
		lat                     []time.Duration
		codes                   = map[int]int{}
		wall, settled           time.Duration
		used, dbUsed, selfUsed  time.Duration
		rounds, placed          int
		batchSum, batchCount    float64
		spent, ceilDB, ceilSelf time.Duration
	)
	for cohortID, ceilingID := f.cohortID, f.ceilingCohortID; rounds == 0 || wall < minRushLoad; rounds++ {
		if rounds > 0 {
			if cohortID, err = f.cohort(ctx, seats); err != nil {
				return 0, err
			}
			if ceilingID, err = f.cohort(ctx, seats); err != nil {
				return 0, err
			}
		}
		sum0, count0, err := batchSizes(bases[0])
		if err != nil {
			return 0, err
		}
		settled += settle(cpu)
		cpu0, db0, self0 := cpu(), bench.CPUTimeOf("postgres"), bench.SelfCPUTime()
		l, c, answers, w := load.fire("/v1/cohorts/"+cohortID+"/enrolments", f.tokens)
		used, dbUsed, selfUsed = used+cpu()-cpu0, dbUsed+bench.CPUTimeOf("postgres")-db0, selfUsed+bench.SelfCPUTime()-self0
		lat, wall = append(lat, l...), wall+w
		for code, k := range c {
			codes[code] += k
		}
		if err := verify(ctx, d, cohortID, n, seats, answers); err != nil {
			fmt.Println("  INVARIANT BROKEN:", err)
			return 0, err
		}
		sum1, count1, err := batchSizes(bases[0])
		if err != nil {
			return 0, err
		}
		if count1 == count0 {
			return 0, errors.New("metrics: no enrolment batches counted")
		}
		batchSum, batchCount = batchSum+sum1-sum0, batchCount+count1-count0
		size := max(int((sum1-sum0)/(count1-count0)+0.5), 1)

		settled += settle(cpu)
		t0, db0, self0 := time.Now(), bench.CPUTimeOf("postgres"), bench.SelfCPUTime()
		if err := f.app.Enrolments.PlaceInBatches(ctx, f.adminID, ceilingID, f.traineeIDs, size); err != nil {
			return 0, fmt.Errorf("ceiling: %w", err)
		}
		spent += time.Since(t0)
		ceilDB += bench.CPUTimeOf("postgres") - db0
		ceilSelf += bench.SelfCPUTime() - self0
		placed += n
	}
	peakRSS := 0 // the largest server's, in KiB
	for _, p := range peaks {
		peakRSS = max(peakRSS, p())
	}
	enrolments := n * rounds
	errs := 0
	for code, k := range codes {
		if code != http.StatusCreated {
			errs += k
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	rate := float64(enrolments) / wall.Seconds()
	fmt.Printf("db=%s trainees=%d seats=%d concurrency=%d servers=%d rushes=%d\n", dialect, n, seats, conc, servers, rounds)
	fmt.Printf("  %.0f requests/s over %v; latency p50 %v p95 %v p99 %v max %v; errors %d; statuses %v\n",
		rate, wall.Round(time.Millisecond),
		bench.Percentile(lat, 50), bench.Percentile(lat, 95), bench.Percentile(lat, 99), lat[len(lat)-1].Round(time.Microsecond), errs, codes)

	if used > 0 {
		// CPU time is what the servers spent whatever else ran on the
		// machine: the figure to compare on a shared box (the database
		// server's own, on PostgreSQL, is not in it).
		fmt.Printf("  server CPU: %v for the rush, %v per enrolment\n", used.Round(time.Millisecond), (used / time.Duration(enrolments)).Round(time.Microsecond))
	}
	if dialect == "postgres" {
		fmt.Printf("  PostgreSQL's CPU: %v for the rush, %v per enrolment\n", dbUsed.Round(time.Millisecond), (dbUsed / time.Duration(enrolments)).Round(time.Microsecond))
	}
	// The load generator shares the machine: its CPU is what the server
	// and the database did not get.
	fmt.Printf("  load generator CPU: %v for the rush, %v per enrolment\n", selfUsed.Round(time.Millisecond), (selfUsed / time.Duration(enrolments)).Round(time.Microsecond))
	if peakRSS > 0 {
		fmt.Printf("  server RSS peak during the rush: %d MiB\n", peakRSS>>10)
	}

	fmt.Println("  invariant intact: seats held = capacity, waitlist 1..n in arrival order, every 201 stored")
	if errs > 0 {
		return 0, fmt.Errorf("%d requests failed", errs)
	}
	ceiling := float64(placed) / spent.Seconds()
	fmt.Printf("  ceiling: the same enrolments in batch transactions of each rush's mean size (%.1f in all), no HTTP, after each rush, %d in %v: %.0f/s; the rush at %.2f of it\n",
		batchSum/batchCount, placed, spent.Round(time.Millisecond), ceiling, rate/ceiling)
	fmt.Printf("  ceiling CPU per enrolment: placing %v", (ceilSelf / time.Duration(placed)).Round(time.Microsecond))
	if dialect == "postgres" {
		fmt.Printf(", PostgreSQL %v", (ceilDB / time.Duration(placed)).Round(time.Microsecond))
	}
	fmt.Println()
	return rate, nil
}

// settle waits, up to 3 s, until the servers and PostgreSQL are idle
// (10 ms of CPU or less in 200 ms, in all), and returns how long it
// waited.
func settle(servers func() time.Duration) time.Duration {
	start := time.Now()
	for time.Since(start) < 3*time.Second {
		s0, db0 := servers(), bench.CPUTimeOf("postgres")
		time.Sleep(200 * time.Millisecond)
		if servers()-s0+bench.CPUTimeOf("postgres")-db0 <= 10*time.Millisecond {
			break
		}
	}
	return time.Since(start)
}

// batchSizes is the sum and count of the enrolment batch sizes the server
// at base has placed so far, from its metrics.
func batchSizes(base string) (sum, count float64, err error) {
	status, body, err := bench.Fetch(base + "/metrics")
	if err != nil || status != http.StatusOK {
		return 0, 0, fmt.Errorf("metrics: %d %v", status, err)
	}
	for _, line := range strings.Split(string(body), "\n") {
		name, value, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		switch name {
		case "skillgrid_enrolment_batch_size_sum":
			sum, _ = strconv.ParseFloat(value, 64)
		case "skillgrid_enrolment_batch_size_count":
			count, _ = strconv.ParseFloat(value, 64)
		}
	}
	return sum, count, nil
}

// minRushLoad is how long the rushes of one size, and their ceiling, run
// at least, in all.
const minRushLoad = 5 * time.Second

// tokenTTL is the access-token lifetime of the bench's server and of the
// tokens the bench signs for it: a longer one would be refused.
const tokenTTL = time.Hour

// rush is what a rush runs on.
type rush struct {
	app             *app.App
	adminID         string
	cohortID        string   // the cohort rushed over HTTP
	ceilingCohortID string   // another of the same size, for the ceiling
	warmCohortID    string   // another, for the warm-up rush
	warmTokens      []string // the warm-up rush's trainees, not the rush's
	tokens          []string // one access token per trainee
	traineeIDs      []string
	courseID        string
	instructorID    string
}

// cohort makes another cohort of the rush's course, open now.
func (r rush) cohort(ctx context.Context, seats int) (string, error) {
	now := time.Now()
	ch, err := r.app.Catalogue.CreateCohort(ctx, auth.Actor{ID: r.adminID, Role: auth.Admin}, r.courseID, catalogue.NewCohort{
		Label: "rush " + ids.New(), InstructorID: r.instructorID, Capacity: seats,
		StartsOn: catalogue.Today(now.AddDate(0, 0, 14)), EndsOn: catalogue.Today(now.AddDate(0, 0, 60)),
		EnrolOpensAt: now.Add(-time.Minute), EnrolClosesAt: now.Add(24 * time.Hour), Mode: "onsite",
	})
	return ch.ID, err
}

// warmUps is how many other trainees enrol in the warm-up rush.
const warmUps = 512

// fixtures makes a published course, three cohorts of `seats` open now
// (the rush's, the ceiling's and the warm-up's), and n trainees with
// access tokens and warmUps more for the warm-up (inserted directly, with
// one password hash, so that 16,000 take seconds; their sessions through
// the service).
func fixtures(ctx context.Context, d, reads *bun.DB, n, seats int) (rush, error) {
	cfg := config.Config{JWTSecret: []byte(secret), AccessTokenTTL: tokenTTL, RefreshTokenTTL: tokenTTL}
	a, err := app.Build(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), d, app.Options{Hashing: auth.HashOptions{Params: auth.HashParams{Memory: 64, Time: 1, Threads: 1}}, Reads: reads})
	if err != nil {
		return rush{}, err
	}
	admin, err := a.Accounts.CreateAccount(ctx, account.NewUser{Email: "ops@bench.kr", Password: "bench-password", Name: "Ops", Role: auth.Admin})
	if err != nil {
		return rush{}, err
	}
	ins, err := a.Accounts.CreateAccount(ctx, account.NewUser{Email: "ins@bench.kr", Password: "bench-password", Name: "Ins", Role: auth.Instructor})
	if err != nil {
		return rush{}, err
	}
	actor := auth.Actor{ID: admin.ID, Role: auth.Admin}
	course, err := a.Catalogue.CreateCourse(ctx, actor, catalogue.NewCourse{
		Code: "BMS-101", Title: "BMS 입문 (BMS Foundations)", Description: "rush", Track: "bms", Level: 1, Hours: 40, Status: "published",
	})
	if err != nil {
		return rush{}, err
	}
	r := rush{app: a, adminID: admin.ID, courseID: course.ID, instructorID: ins.ID}
	for _, id := range []*string{&r.cohortID, &r.ceilingCohortID, &r.warmCohortID} {
		if *id, err = r.cohort(ctx, seats); err != nil {
			return rush{}, err
		}
	}
	hash, err := a.Auth.Hasher.Hash(ctx, "bench-password")
	if err != nil {
		return rush{}, err
	}
	now := time.Now()
	users := make([]account.User, n+warmUps)
	for i := range users {
		name := fmt.Sprintf("훈련생 %d", i)
		users[i] = account.User{
			ID: ids.New(), Email: fmt.Sprintf("trainee%05d@bench.kr", i), PasswordHash: hash, Name: name, SearchName: account.SearchName(name),
			Role: auth.Trainee, Active: true, Locale: "en", CreatedAt: now, UpdatedAt: now,
		}
		if i < n {
			r.traineeIDs = append(r.traineeIDs, users[i].ID)
		}
	}
	for i := 0; i < len(users); i += 500 {
		batch := users[i:min(i+500, len(users))]
		if _, err := d.NewInsert().Model(&batch).Exec(ctx); err != nil {
			return rush{}, fmt.Errorf("insert trainees: %w", err)
		}
	}
	for i, u := range users {
		pair, err := a.Auth.IssueFor(ctx, u.ID, auth.Trainee)
		if err != nil {
			return rush{}, err
		}
		if i < n {
			r.tokens = append(r.tokens, pair.AccessToken)
		} else {
			r.warmTokens = append(r.warmTokens, pair.AccessToken)
		}
	}
	return r, nil
}

// answer is what the server said to one 201.
type answer struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Position *int64 `json:"waitlist_position"`
}

// load sends enrol requests to the servers, conc at a time, over
// connections it keeps from one rush to the next. It uses fasthttp's
// client, as bench-read does, which costs the shared CPU less than
// net/http's, so that more of the machine goes to the server measured.
type load struct {
	bases   []string
	clients []*fasthttp.HostClient
	conc    int
}

func newLoad(bases []string, conc int) *load {
	l := &load{bases: bases, conc: conc}
	for _, base := range bases {
		l.clients = append(l.clients, &fasthttp.HostClient{Addr: strings.TrimPrefix(base, "http://"), MaxConns: conc, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second})
	}
	return l
}

// fire sends one enrol request per token, conc at a time, released
// together, alternating between the servers.
func (l *load) fire(path string, tokens []string) ([]time.Duration, map[int]int, []answer, time.Duration) {
	bases, clients, conc := l.bases, l.clients, l.conc
	lat := make([]time.Duration, len(tokens))
	status := make([]int, len(tokens))
	bodies := make([][]byte, len(tokens))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(res)
			for i := range jobs {
				req.Reset()
				req.Header.SetMethod(fasthttp.MethodPost)
				req.SetRequestURI(bases[i%len(bases)] + path)
				req.Header.Set("Authorization", "Bearer "+tokens[i])
				t0 := time.Now()
				err := clients[i%len(bases)].Do(req, res)
				lat[i] = time.Since(t0)
				if err != nil {
					status[i] = -1
					continue
				}
				status[i] = res.StatusCode()
				bodies[i] = append(bodies[i][:0], res.Body()...)
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
	// The answers are decoded once the rush is over, off the cores it
	// shares.
	codes := map[int]int{}
	var created []answer
	for i, s := range status {
		codes[s]++
		if s == http.StatusCreated {
			var a answer
			_ = json.Unmarshal(bodies[i], &a)
			created = append(created, a)
		}
	}
	return lat, codes, created, wall
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
