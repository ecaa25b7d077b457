// Command bench-pool measures the graduate pool at scale: it bulk-loads
// trainees, completions (each with a valid certificate), profiles and
// skills straight into a fresh SQLite or PostgreSQL database, starts a real
// `skillgrid serve` process on it, and measures over HTTP, as an approved
// company, the latency of filtered first pages and the CSV and XLSX downloads of the
// whole matching set, with the server's peak resident memory while each
// download runs (bench.PeakRSS).
//
//	go run ./cmd/bench-pool -bin bin/skillgrid -db postgres -trainees 100000 -completions 300000
package main

import (
	"archive/zip"
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/app"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/bench"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/config"
	"github.com/skillgrid/skillgrid/internal/demand"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/migrations"
)

const secret = "bench-secret-bench-secret-bench-secret-00"

type options struct {
	bin, dialect, pgURL   string
	reuse                 string
	trainees, completions int
	requests, conc        int
	optIn                 float64
	keep                  bool
	demandOnly            bool
	pagesOnly             bool
}

func main() {
	var o options
	flag.StringVar(&o.bin, "bin", "bin/skillgrid", "the skillgrid binary to serve with")
	flag.StringVar(&o.dialect, "db", "sqlite", "sqlite or postgres")
	flag.StringVar(&o.pgURL, "pg", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable", "PostgreSQL server to make a throwaway database on")
	flag.IntVar(&o.trainees, "trainees", 100_000, "trainees to load")
	flag.IntVar(&o.completions, "completions", 300_000, "completed enrolments to load (spread over the trainees)")
	flag.IntVar(&o.requests, "n", 200, "requests per search scenario")
	flag.IntVar(&o.conc, "c", 1, "search requests in flight at once (1: latency of one client)")
	flag.Float64Var(&o.optIn, "optin", 0.8, "fraction of trainees who opted in to the pool")
	flag.BoolVar(&o.keep, "keep", false, "keep the database afterwards (its URL is printed) for a closer look")
	flag.StringVar(&o.reuse, "reuse", "", "measure again on a database kept with -keep (its URL), without loading")
	flag.BoolVar(&o.demandOnly, "demand-only", false, "measure employer demand's matching only (no pool searches, no downloads)")
	flag.BoolVar(&o.pagesOnly, "pages-only", false, "measure the pool's first pages only (no demands, no downloads)")
	flag.Parse()
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "bench-pool:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	ctx := context.Background()
	dsn := o.reuse
	if dsn == "" {
		fresh, cleanup, err := bench.FreshDatabase(ctx, "bench-pool", o.dialect, o.pgURL)
		if err != nil {
			return err
		}
		if o.keep {
			fmt.Println("database kept:", fresh)
		} else {
			defer cleanup()
		}
		dsn = fresh
	}
	d, err := db.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := migrations.Up(ctx, d); err != nil {
		return err
	}
	var token string
	if o.reuse != "" {
		if token, err = companyToken(ctx, d); err != nil {
			return err
		}
		fmt.Printf("db=%s, reused as loaded before: %s\n", db.DialectName(d), o.reuse)
	} else {
		t0 := time.Now()
		if token, err = load(ctx, d, o); err != nil {
			return fmt.Errorf("load: %w", err)
		}
		fmt.Printf("db=%s trainees=%d completions=%d opted-in=%.0f%%: loaded in %v\n",
			o.dialect, o.trainees, o.completions, o.optIn*100, time.Since(t0).Round(time.Second))
	}

	srv, err := bench.Serve(o.bin, dsn, "SKILLGRID_JWT_SECRET="+secret, "SKILLGRID_ACCESS_TOKEN_TTL="+tokenTTL.String())
	if err != nil {
		return err
	}
	defer srv.Stop()
	base := srv.Base
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.conc, MaxConnsPerHost: o.conc}, Timeout: 120 * time.Second}

	if o.demandOnly {
		return benchDemands(ctx, d, client, base, token, o)
	}
	fmt.Printf("  first pages (limit 20), %d requests each, %d in flight:\n", o.requests, o.conc)
	fmt.Printf("  %-44s %8s %8s %8s %8s %6s\n", "filter", "p50", "p95", "p99", "max", "items")
	failed := 0
	for _, q := range []string{
		"",
		"track=bms&min_level=3",
		"track=safety-testing&min_level=5",
		"min_level=4",
		"skill=soc-estimation",
		"skill=cell-balancing,thermal-runaway,hydrometallurgy",
		"q=" + url.QueryEscape("BMS-3"),
		"q=" + url.QueryEscape("민준"),
		"q=" + url.QueryEscape("재활용"),
		"track=manufacturing&min_level=2&region=" + url.QueryEscape("충청북도") + "&career_stage=job_seeker",
		"completed_after=" + time.Now().AddDate(0, -1, 0).Format(time.DateOnly) + "&skill=bms",
		// Filters that match nobody: the worst case of walking completions.
		"region=" + url.QueryEscape("독도"),
		"q=" + url.QueryEscape("없는이름"),
	} {
		lat, items, errs := measure(client, base+"/v1/graduates?"+q, token, o.requests, o.conc)
		failed += errs
		label := q
		if label == "" {
			label = "(none)"
		}
		if u, err := url.QueryUnescape(label); err == nil {
			label = u
		}
		fmt.Printf("  %-44s %8v %8v %8v %8v %6d\n", trunc(label, 44), bench.Percentile(lat, 50), bench.Percentile(lat, 95), bench.Percentile(lat, 99), lat[len(lat)-1].Round(time.Microsecond), items)
	}
	// A deep page: the walk starts from a cursor far down the pool.
	cursor, err := cursorAfter(client, base, token, 50)
	if err != nil {
		return err
	}
	lat, _, errs := measure(client, base+"/v1/graduates?track=bms&min_level=1&cursor="+url.QueryEscape(cursor), token, o.requests, o.conc)
	failed += errs
	fmt.Printf("  %-44s %8v %8v %8v %8v\n", "track=bms&min_level=1, page 51", bench.Percentile(lat, 50), bench.Percentile(lat, 95), bench.Percentile(lat, 99), lat[len(lat)-1].Round(time.Microsecond))

	if o.pagesOnly {
		if failed > 0 {
			return fmt.Errorf("%d requests failed", failed)
		}
		return nil
	}
	if err := benchDemands(ctx, d, client, base, token, o); err != nil {
		return err
	}

	// The whole pool's size, counted here from its definition (an active
	// trainee who opted in and completed a course), not by the server: a
	// download of the whole pool must hold every one of them.
	var poolSize int
	if err := d.NewRaw(`SELECT count(*) FROM users AS u WHERE u.role = 'trainee' AND u.active AND u.pool_opt_in
AND EXISTS (SELECT 1 FROM enrolments AS e WHERE e.trainee_id = u.id AND e.status = 'completed' AND e.result_recorded_at IS NOT NULL)`).Scan(ctx, &poolSize); err != nil {
		return fmt.Errorf("count the pool: %w", err)
	}
	fmt.Println("  Downloads (/v1/graduates.csv and .xlsx), server RSS and its peak during each:")
	for _, ext := range []string{".csv", ".xlsx"} {
		for _, q := range []string{"track=cell-design&min_level=3", "track=bms", ""} {
			want := -1
			if q == "" {
				want = poolSize
			}
			if err := export(client, base, token, ext, q, want, srv.PID); err != nil {
				return err
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d requests failed", failed)
	}
	return nil
}

// demandCases are the demands whose first page of matches the bench
// measures: from the broadest (every graduate of a track) to narrow ones.
var demandCases = []demand.NewDemand{
	{Title: "bench: bms level 1+", Track: "bms", MinLevel: 1},
	{Title: "bench: bms level 3+, skills, region", Track: "bms", MinLevel: 3, Skills: []string{"soc-estimation", "cell-balancing"}, Region: "충청북도"},
	{Title: "bench: materials level 2+, 3 skills", Track: "materials", MinLevel: 2, Skills: []string{"cathode-synthesis", "anode-materials", "electrolyte"}},
	{Title: "bench: safety-testing level 5, region", Track: "safety-testing", MinLevel: 5, Skills: []string{"abuse-testing"}, Region: "서울특별시"},
}

// benchDemands posts demandCases as the bench's company (through the
// service, timing each: posting remembers the graduates it already
// matches) unless a reused database has them, then measures the first
// page of each one's matches over HTTP, and a page deep in the broadest.
func benchDemands(ctx context.Context, d *bun.DB, client *http.Client, base, token string, o options) error {
	var companyUser string
	if err := d.NewSelect().Table("users").Column("id").Where("email = 'hr@bench.kr'").Scan(ctx, &companyUser); err != nil {
		return fmt.Errorf("find the bench's company: %w", err)
	}
	a, err := benchApp(d)
	if err != nil {
		return err
	}
	actor := auth.Actor{ID: companyUser, Role: auth.Company}
	fmt.Printf("  Demand matching, first pages (limit 20), %d requests each, %d in flight:\n", o.requests, o.conc)
	fmt.Printf("  %-44s %8s %8s %8s %8s %7s %9s\n", "demand", "p50", "p95", "p99", "max", "matches", "posted in")
	failed := 0
	var broad string
	for i, nd := range demandCases {
		nd.Headcount, nd.NeededBy = 5, time.Now().AddDate(0, 6, 0).Format(time.DateOnly)
		var id string
		err := d.NewSelect().Table("demands").Column("id").Where("title = ?", nd.Title).Limit(1).Scan(ctx, &id)
		posted := "reused"
		if err != nil {
			t0 := time.Now()
			dm, err := a.Demands.Create(ctx, actor, nd)
			if err != nil {
				return fmt.Errorf("post demand %q: %w", nd.Title, err)
			}
			id, posted = dm.ID, time.Since(t0).Round(time.Millisecond).String()
		}
		if i == 0 {
			broad = id
		}
		var matches int
		if err := d.NewSelect().Table("demand_matches_seen").ColumnExpr("COUNT(*)").Where("demand_id = ?", id).Scan(ctx, &matches); err != nil {
			return err
		}
		lat, _, errs := measure(client, base+"/v1/demands/"+id+"/matches?limit=20", token, o.requests, o.conc)
		failed += errs
		fmt.Printf("  %-44s %8v %8v %8v %8v %7d %9s\n", trunc(strings.TrimPrefix(nd.Title, "bench: "), 44),
			bench.Percentile(lat, 50), bench.Percentile(lat, 95), bench.Percentile(lat, 99), lat[len(lat)-1].Round(time.Microsecond), matches, posted)
	}
	// Page 51 of the broadest: the cursor's (score, id) bound.
	cursor := ""
	for i := 0; i < 50; i++ {
		u := base + "/v1/demands/" + broad + "/matches?limit=20"
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		_, after, ok := strings.Cut(string(body), `"next_cursor":"`)
		if !ok {
			return fmt.Errorf("matches page %d has no next cursor", i+1)
		}
		cursor, _, _ = strings.Cut(after, `"`)
	}
	lat, _, errs := measure(client, base+"/v1/demands/"+broad+"/matches?limit=20&cursor="+url.QueryEscape(cursor), token, o.requests, o.conc)
	failed += errs
	fmt.Printf("  %-44s %8v %8v %8v %8v\n", "bms level 1+, page 51", bench.Percentile(lat, 50), bench.Percentile(lat, 95), bench.Percentile(lat, 99), lat[len(lat)-1].Round(time.Microsecond))
	t0 := time.Now()
	n, err := a.Demands.AnnounceNewMatches(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("  announcing new matches of the %d demands: %d announced in %v\n", len(demandCases), n, time.Since(t0).Round(time.Millisecond))
	if failed > 0 {
		return fmt.Errorf("%d demand requests failed", failed)
	}
	return nil
}

// --- the data

var (
	families = []string{"김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황", "안", "송", "류", "홍"}
	givens   = []string{"민준", "서연", "도윤", "서윤", "하준", "지우", "시우", "하은", "주원", "지호", "예준", "수아", "지민", "유진", "현우", "다은", "건우", "채원", "우진", "지아"}
	latin    = []string{"Élodie Martin", "Nguyen Van An", "Olga Ivanova", "Maria Santos", "John Smith", "Aigerim Bekova"}
	regions  = []string{"서울특별시", "부산광역시", "대구광역시", "인천광역시", "광주광역시", "대전광역시", "울산광역시", "세종특별자치시",
		"경기도", "강원도", "충청북도", "충청남도", "전라북도", "전라남도", "경상북도", "경상남도", "제주특별자치도"}
	skills = []string{"bms", "soc-estimation", "cell-balancing", "thermal-runaway", "electrode-coating", "calendering", "slitting",
		"stacking", "winding", "formation", "aging", "degassing", "cathode-synthesis", "anode-materials", "electrolyte",
		"separator", "hydrometallurgy", "pyrometallurgy", "black-mass", "cell-design", "module-design", "pack-design",
		"abuse-testing", "nail-penetration", "crush-testing", "iso-26262", "plc", "mes", "spc", "quality-control"}
	trackTitles = map[string]string{"cell-design": "셀 설계", "materials": "소재", "manufacturing": "제조 공정",
		"bms": "BMS", "safety-testing": "안전성 시험", "recycling": "재활용"}
	careerStages = []string{"student", "job_seeker", "incumbent"}
)

type enrolmentRow struct {
	bun.BaseModel `bun:"table:enrolments"`

	ID               string    `bun:"id"`
	CohortID         string    `bun:"cohort_id"`
	TraineeID        string    `bun:"trainee_id"`
	Status           string    `bun:"status"`
	AttendedHours    float64   `bun:"attended_hours"`
	Score            float64   `bun:"score"`
	ResultRecordedAt time.Time `bun:"result_recorded_at"`
	CreatedAt        time.Time `bun:"created_at"`
	UpdatedAt        time.Time `bun:"updated_at"`
}

type certificateRow struct {
	bun.BaseModel `bun:"table:certificates"`

	ID          string    `bun:"id"`
	Code        string    `bun:"code"`
	EnrolmentID string    `bun:"enrolment_id"`
	TraineeID   string    `bun:"trainee_id"`
	CourseID    string    `bun:"course_id"`
	IssuedAt    time.Time `bun:"issued_at"`
	Status      string    `bun:"status"`
}

type skillRow struct {
	bun.BaseModel `bun:"table:user_skills"`

	UserID string `bun:"user_id"`
	Skill  string `bun:"skill"`
}

// load makes the catalogue (two courses per track and level, one cohort
// each) and an approved company through the services, then bulk-inserts
// the trainees, their skills, completions and certificates in batches. It
// returns the company's access token.
func load(ctx context.Context, d *bun.DB, o options) (string, error) {
	a, err := benchApp(d)
	if err != nil {
		return "", err
	}
	admin, err := a.Accounts.CreateAccount(ctx, account.NewUser{Email: "ops@bench.kr", Password: "bench-password", Name: "Ops", Role: auth.Admin})
	if err != nil {
		return "", err
	}
	ins, err := a.Accounts.CreateAccount(ctx, account.NewUser{Email: "ins@bench.kr", Password: "bench-password", Name: "Ins", Role: auth.Instructor})
	if err != nil {
		return "", err
	}
	actor := auth.Actor{ID: admin.ID, Role: auth.Admin}
	type offer struct{ courseID, cohortID string }
	var offers []offer
	now := time.Now().UTC()
	tracks := []string{"cell-design", "materials", "manufacturing", "bms", "safety-testing", "recycling"}
	for ti, track := range tracks {
		for level := 1; level <= catalogue.MaxLevel; level++ {
			for k := 1; k <= 2; k++ {
				prefix := strings.ToUpper(strings.SplitN(track, "-", 2)[0])
				if len(prefix) > 4 {
					prefix = prefix[:4]
				}
				c, err := a.Catalogue.CreateCourse(ctx, actor, catalogue.NewCourse{
					Code: fmt.Sprintf("%s-%d%02d", prefix, level, k), Title: fmt.Sprintf("%s %d단계 과정 %d (%s level %d)", trackTitles[track], level, k, track, level),
					Description: "bench", Track: track, Level: level, Hours: 40, Status: "published",
					Skills: []string{skills[(ti*5+level+k)%len(skills)]},
				})
				if err != nil {
					return "", err
				}
				ch, err := a.Catalogue.CreateCohort(ctx, actor, c.ID, catalogue.NewCohort{
					Label: "bench", InstructorID: ins.ID, Capacity: 100_000,
					StartsOn: catalogue.Today(now.AddDate(-2, 0, 0)), EndsOn: catalogue.Today(now.AddDate(-2, 1, 0)),
					EnrolOpensAt: now.AddDate(-2, -1, 0), EnrolClosesAt: now.AddDate(-2, 0, -1), Mode: "onsite",
				})
				if err != nil {
					return "", err
				}
				offers = append(offers, offer{c.ID, ch.ID})
			}
		}
	}
	co, err := a.Accounts.Register(ctx, account.NewUser{Email: "hr@bench.kr", Password: "bench-password", Name: "HR", Role: auth.Company, CompanyName: "벤치 배터리"})
	if err != nil {
		return "", err
	}
	company, err := a.Accounts.CompanyOf(ctx, co.ID)
	if err != nil {
		return "", err
	}
	if _, err := a.Accounts.DecideCompany(ctx, actor, company.ID, account.CompanyApproved, ""); err != nil {
		return "", err
	}
	pair, err := a.Auth.IssueFor(ctx, co.ID, auth.Company)
	if err != nil {
		return "", err
	}
	token := pair.AccessToken

	rng := mrand.New(mrand.NewPCG(20261125, 7))
	hash, err := a.Accounts.Hasher.Hash(ctx, "bench-password")
	if err != nil {
		return "", err
	}
	const batch = 2000
	users := make([]account.User, 0, batch)
	var skillRows []skillRow
	traineeIDs := make([]string, 0, o.trainees)
	flushUsers := func() error {
		if len(users) > 0 {
			if _, err := d.NewInsert().Model(&users).Exec(ctx); err != nil {
				return fmt.Errorf("insert users: %w", err)
			}
		}
		if len(skillRows) > 0 {
			if _, err := d.NewInsert().Model(&skillRows).Exec(ctx); err != nil {
				return fmt.Errorf("insert skills: %w", err)
			}
		}
		users, skillRows = users[:0], skillRows[:0]
		return nil
	}
	for i := 0; i < o.trainees; i++ {
		name := families[rng.IntN(len(families))] + givens[rng.IntN(len(givens))]
		if rng.IntN(20) == 0 {
			name = latin[rng.IntN(len(latin))]
		}
		stage, region := careerStages[rng.IntN(3)], regions[rng.IntN(len(regions))]
		u := account.User{
			ID: ids.New(), Email: fmt.Sprintf("trainee%06d@bench.kr", i), PasswordHash: hash, Name: name,
			SearchName: account.SearchName(name), Role: auth.Trainee, Active: true, Locale: "en",
			CareerStage: &stage, Region: &region, PoolOptIn: rng.Float64() < o.optIn, CreatedAt: now, UpdatedAt: now,
		}
		users = append(users, u)
		traineeIDs = append(traineeIDs, u.ID)
		for _, k := range rng.Perm(len(skills))[:rng.IntN(4)] {
			skillRows = append(skillRows, skillRow{UserID: u.ID, Skill: skills[k]})
		}
		if len(users) == batch {
			if err := flushUsers(); err != nil {
				return "", err
			}
		}
	}
	if err := flushUsers(); err != nil {
		return "", err
	}

	// Completions: every trainee at least one while they last, the rest
	// spread at random; never the same course twice for one trainee.
	enrols := make([]enrolmentRow, 0, batch)
	certs := make([]certificateRow, 0, batch)
	flushCompletions := func() error {
		if len(enrols) == 0 {
			return nil
		}
		if _, err := d.NewInsert().Model(&enrols).Exec(ctx); err != nil {
			return fmt.Errorf("insert enrolments: %w", err)
		}
		if _, err := d.NewInsert().Model(&certs).Exec(ctx); err != nil {
			return fmt.Errorf("insert certificates: %w", err)
		}
		enrols, certs = enrols[:0], certs[:0]
		return nil
	}
	taken := map[[2]int]bool{}
	code := make([]byte, 10)
	for i := 0; i < o.completions; i++ {
		t := i
		if i >= len(traineeIDs) {
			t = rng.IntN(len(traineeIDs))
		}
		k := rng.IntN(len(offers))
		for taken[[2]int{t, k}] {
			k = rng.IntN(len(offers))
		}
		taken[[2]int{t, k}] = true
		at := now.Add(-time.Duration(rng.Int64N(int64(730 * 24 * time.Hour)))).Truncate(time.Microsecond)
		e := enrolmentRow{
			ID: ids.New(), CohortID: offers[k].cohortID, TraineeID: traineeIDs[t], Status: "completed",
			AttendedHours: 40, Score: 80, ResultRecordedAt: at, CreatedAt: at, UpdatedAt: at,
		}
		_, _ = rand.Read(code)
		enrols = append(enrols, e)
		certs = append(certs, certificateRow{
			ID: ids.New(), Code: "SG-" + strings.ToUpper(hex.EncodeToString(code)), EnrolmentID: e.ID, TraineeID: e.TraineeID,
			CourseID: offers[k].courseID, IssuedAt: at, Status: "valid",
		})
		if len(enrols) == batch {
			if err := flushCompletions(); err != nil {
				return "", err
			}
		}
	}
	if err := flushCompletions(); err != nil {
		return "", err
	}
	// Keep the seat counters true to the rows, as the enrolment rules would.
	if _, err := d.ExecContext(ctx, `UPDATE cohorts SET seats_taken = (SELECT COUNT(*) FROM enrolments AS e WHERE e.cohort_id = cohorts.id)`); err != nil {
		return "", err
	}
	// PostgreSQL's autovacuum would vacuum and analyse tables this size on
	// its own soon after (inserts alone trigger it); do it now so that the
	// plans and the visibility map (index-only scans) are the steady
	// state's. SQLite keeps no statistics unless asked, and is measured
	// without them.
	if db.IsPostgres(d) {
		if _, err := d.ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
			return "", err
		}
	}
	return token, nil
}

// companyToken signs in the approved company of a database that load
// filled before.
func companyToken(ctx context.Context, d *bun.DB) (string, error) {
	var id string
	if err := d.NewSelect().Table("users").Column("id").Where("email = 'hr@bench.kr'").Scan(ctx, &id); err != nil {
		return "", fmt.Errorf("find the bench's company in the reused database: %w", err)
	}
	a, err := benchApp(d)
	if err != nil {
		return "", err
	}
	pair, err := a.Auth.IssueFor(ctx, id, auth.Company)
	return pair.AccessToken, err
}

// tokenTTL is the access-token lifetime of the bench's server and of the
// token the bench signs for it: a longer one would be refused.
const tokenTTL = 4 * time.Hour

// benchApp wires the services over d as the bench's server is configured.
func benchApp(d *bun.DB) (*app.App, error) {
	cfg := config.Config{JWTSecret: []byte(secret), AccessTokenTTL: tokenTTL, RefreshTokenTTL: tokenTTL}
	return app.Build(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), d, app.Options{Hashing: auth.HashOptions{Params: auth.HashParams{Memory: 64, Time: 1, Threads: 1}}})
}

// --- measuring

func measure(client *http.Client, target, token string, n, conc int) ([]time.Duration, int, int) {
	lat := make([]time.Duration, n)
	var (
		mu    sync.Mutex
		errs  int
		items int
	)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				req, _ := http.NewRequest(http.MethodGet, target, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					mu.Lock()
					errs++
					mu.Unlock()
					lat[i] = time.Since(t0)
					continue
				}
				body, _ := io.ReadAll(res.Body)
				res.Body.Close()
				lat[i] = time.Since(t0)
				mu.Lock()
				if res.StatusCode != http.StatusOK {
					errs++
				} else if i == 0 {
					items = strings.Count(string(body), `"last_completed_at"`)
				}
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < n; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat, items, errs
}

// cursorAfter pages through `pages` pages of track=bms and returns the
// cursor of the next one.
func cursorAfter(client *http.Client, base, token string, pages int) (string, error) {
	cursor := ""
	for i := 0; i < pages; i++ {
		u := base + "/v1/graduates?track=bms&min_level=1"
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err != nil {
			return "", err
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		_, after, ok := strings.Cut(string(body), `"next_cursor":"`)
		if !ok {
			return "", fmt.Errorf("page %d has no next cursor", i+1)
		}
		cursor, _, _ = strings.Cut(after, `"`)
	}
	return cursor, nil
}

// export downloads the pool as ext (.csv or .xlsx) with the filter and
// reports its size (and, for CSV, its rows), its time and the server's RSS
// before, at peak and after. A short download fails: one that breaks off
// (the server ends a download that fails part-way by cutting the
// connection, never with a complete-looking file), a workbook that is not
// a whole zip, and a CSV of fewer rows than want (unless -1).
func export(client *http.Client, base, token, ext, q string, want, pid int) error {
	before, err := bench.RSS(pid)
	if err != nil {
		return err
	}
	peakRSS := bench.PeakRSS(pid)
	req, _ := http.NewRequest(http.MethodGet, base+"/v1/graduates"+ext+"?"+q, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	t0 := time.Now()
	res, err := client.Do(req)
	if err != nil {
		peakRSS()
		return err
	}
	var rows, bytes int
	var firstByte time.Duration
	var readErr error
	// A workbook is kept to check that its zip is whole; a CSV is counted
	// as it comes.
	var book []byte
	br := bufio.NewReaderSize(res.Body, 64<<10)
	for {
		line, err := br.ReadSlice('\n')
		if firstByte == 0 && len(line) > 0 {
			firstByte = time.Since(t0)
		}
		bytes += len(line)
		if ext != ".csv" {
			book = append(book, line...)
		}
		if len(line) > 0 && line[len(line)-1] == '\n' {
			rows++
		}
		if err == bufio.ErrBufferFull {
			rows-- // a long line continues
			continue
		}
		if err != nil {
			if err != io.EOF {
				readErr = err
			}
			break
		}
	}
	res.Body.Close()
	wall := time.Since(t0)
	peak := peakRSS()
	after, _ := bench.RSS(pid)
	label := q
	if label == "" {
		label = "(whole pool)"
	}
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("export %s %s: status %d", ext, label, res.StatusCode)
	}
	if readErr != nil {
		return fmt.Errorf("export %s %s broke off after %d bytes in %v: %w", ext, label, bytes, wall.Round(time.Millisecond), readErr)
	}
	count := strconv.Itoa(rows - 1)
	if ext == ".csv" {
		if want >= 0 && rows-1 != want {
			return fmt.Errorf("export %s %s: %d graduates, the pool holds %d", ext, label, rows-1, want)
		}
	} else {
		count = "-" // a zip has no lines to count
		if _, err := zip.NewReader(strings.NewReader(string(book)), int64(len(book))); err != nil {
			return fmt.Errorf("export %s %s: not a whole workbook: %w", ext, label, err)
		}
	}
	fmt.Printf("  %-5s %-32s %7s graduates, %6.1f MiB in %6v (first byte %v); RSS before %3d MiB, peak %3d MiB, after %3d MiB\n",
		ext, label, count, float64(bytes)/(1<<20), wall.Round(time.Millisecond), firstByte.Round(time.Millisecond),
		before>>10, peak>>10, after>>10)
	return nil
}

func trunc(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
