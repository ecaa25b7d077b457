package httpapi_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/demand"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

type demandView struct {
	ID        string   `json:"id"`
	CompanyID string   `json:"company_id"`
	Title     string   `json:"title"`
	Track     string   `json:"track"`
	MinLevel  int      `json:"min_level"`
	Skills    []string `json:"skills"`
	Headcount int      `json:"headcount"`
	Filled    int      `json:"filled"`
	Region    *string  `json:"region"`
	NeededBy  string   `json:"needed_by"`
	Status    string   `json:"status"`
}

type matchView struct {
	ID      string         `json:"id"`
	Name    string         `json:"name"`
	Levels  map[string]int `json:"levels"`
	Score   int            `json:"score"`
	Factors demand.Factors `json:"factors"`
	Courses []any          `json:"completed_courses"`
	Email   *string        `json:"email"`
	Phone   *string        `json:"phone"`
	Region  *string        `json:"region"`
	Skills  []string       `json:"skills"`
	Last    time.Time      `json:"last_completed_at"`
	Career  *string        `json:"career_stage"`
}

type matchPage struct {
	Items      []matchView `json:"items"`
	NextCursor *string     `json:"next_cursor"`
}

func postDemand(t *testing.T, e *testutil.Env, token string, body map[string]any) demandView {
	t.Helper()
	in := map[string]any{"title": "BMS 엔지니어", "track": "bms", "min_level": 1, "headcount": 2, "needed_by": "2027-03-01"}
	for k, v := range body {
		in[k] = v
	}
	var d demandView
	e.Post("/v1/demands", token, in).Want(t, http.StatusCreated).JSON(t, &d)
	return d
}

func demandIDs(t *testing.T, e *testutil.Env, token string) []string {
	t.Helper()
	var pg struct {
		Items []demandView `json:"items"`
	}
	e.Get("/v1/demands", token).Want(t, http.StatusOK).JSON(t, &pg)
	out := []string{}
	for _, d := range pg.Items {
		out = append(out, d.ID)
	}
	return out
}

// allMatches pages through a demand's matches, limit at a time.
func allMatches(t *testing.T, e *testutil.Env, token, demandID string, limit int) []matchView {
	t.Helper()
	var out []matchView
	cursor := ""
	for range 1000 {
		var pg matchPage
		path := fmt.Sprintf("/v1/demands/%s/matches?limit=%d", demandID, limit)
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		e.Get(path, token).Want(t, http.StatusOK).JSON(t, &pg)
		out = append(out, pg.Items...)
		if pg.NextCursor == nil {
			return out
		}
		cursor = *pg.NextCursor
	}
	t.Fatal("matches never ended")
	return nil
}

func TestDemandsAreVisibleToTheirCompanyOperatorsAndMatchingGraduates(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		admin := e.AdminToken()
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 10, Level: 2})
		grad, _ := graduate(t, e, c.ID, e.Clock.Now())
		outsider := e.NewUser(auth.Trainee) // not in the pool
		a := e.NewCompany(account.CompanyApproved)
		b := e.NewCompany(account.CompanyApproved)

		d := postDemand(t, e, a.Token, map[string]any{"min_level": 2, "skills": []string{" SOC-Estimation ", "bms"}, "region": "청주"})
		if d.Status != demand.Open || d.Filled != 0 || d.MinLevel != 2 || !cmp.Equal(d.Skills, []string{"bms", "soc-estimation"}) {
			t.Fatalf("posted %+v", d)
		}
		high := postDemand(t, e, a.Token, map[string]any{"min_level": 3})

		// Who may post.
		e.Post("/v1/demands", e.NewCompany(account.CompanyPending).Token, map[string]any{"title": "x"}).
			WantProblem(t, http.StatusForbidden, "company_not_approved")
		e.Post("/v1/demands", grad.Token, map[string]any{"title": "x"}).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Post("/v1/demands", a.Token, map[string]any{"title": "x", "track": "nope", "min_level": 1, "headcount": 1, "needed_by": "2027-01-01"}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Post("/v1/demands", a.Token, map[string]any{"title": "x", "track": "bms", "min_level": 6, "headcount": 0, "needed_by": "soon"}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")

		// Who sees what.
		if got := demandIDs(t, e, a.Token); !cmp.Equal(got, []string{high.ID, d.ID}) {
			t.Errorf("company's own: %v", got)
		}
		if got := demandIDs(t, e, b.Token); len(got) != 0 {
			t.Errorf("another company sees %v", got)
		}
		if got := demandIDs(t, e, admin); !cmp.Equal(got, []string{high.ID, d.ID}) {
			t.Errorf("operator sees %v", got)
		}
		if got := demandIDs(t, e, grad.Token); !cmp.Equal(got, []string{d.ID}) {
			t.Errorf("a level-2 graduate sees %v, want only the level-2 demand", got)
		}
		if got := demandIDs(t, e, outsider.Token); len(got) != 0 {
			t.Errorf("a trainee outside the pool sees %v", got)
		}
		e.Get("/v1/demands", e.NewUser(auth.Instructor).Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Get("/v1/demands/"+d.ID, a.Token).Want(t, http.StatusOK)
		e.Get("/v1/demands/"+d.ID, admin).Want(t, http.StatusOK)
		e.Get("/v1/demands/"+d.ID, grad.Token).Want(t, http.StatusOK)
		e.Get("/v1/demands/"+high.ID, grad.Token).WantProblem(t, http.StatusNotFound, "not_found")
		e.Get("/v1/demands/"+d.ID, b.Token).WantProblem(t, http.StatusNotFound, "not_found")
		e.Get("/v1/demands/"+d.ID, outsider.Token).WantProblem(t, http.StatusNotFound, "not_found")
		e.Get("/v1/demands/not-an-id", a.Token).WantProblem(t, http.StatusNotFound, "not_found")

		// Editing and closing: the company's own, while open.
		e.Patch("/v1/demands/"+d.ID, b.Token, map[string]any{"headcount": 5}).WantProblem(t, http.StatusNotFound, "not_found")
		var changed demandView
		e.Patch("/v1/demands/"+d.ID, a.Token, map[string]any{"headcount": 5, "region": ""}).Want(t, http.StatusOK).JSON(t, &changed)
		if changed.Headcount != 5 || changed.Region != nil || changed.Title != d.Title {
			t.Errorf("patched %+v", changed)
		}
		e.Post("/v1/demands/"+d.ID+"/close", b.Token, nil).WantProblem(t, http.StatusNotFound, "not_found")
		var closed demandView
		e.Post("/v1/demands/"+d.ID+"/close", a.Token, nil).Want(t, http.StatusOK).JSON(t, &closed)
		if closed.Status != demand.Closed {
			t.Errorf("closed %+v", closed)
		}
		e.Post("/v1/demands/"+d.ID+"/close", a.Token, nil).WantProblem(t, http.StatusConflict, "demand_closed")
		e.Patch("/v1/demands/"+d.ID, a.Token, map[string]any{"headcount": 6}).WantProblem(t, http.StatusConflict, "demand_closed")
		e.Get("/v1/demands/"+d.ID, grad.Token).WantProblem(t, http.StatusNotFound, "not_found")
		if got := demandIDs(t, e, grad.Token); len(got) != 0 {
			t.Errorf("a graduate sees closed demands: %v", got)
		}
		var pg struct {
			Items []demandView `json:"items"`
		}
		e.Get("/v1/demands?status=open", a.Token).Want(t, http.StatusOK).JSON(t, &pg)
		if len(pg.Items) != 1 || pg.Items[0].ID != high.ID {
			t.Errorf("open filter: %+v", pg.Items)
		}
		e.Get("/v1/demands?status=gone", a.Token).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")

		// Audited.
		for _, action := range []string{"demand.created", "demand.updated", "demand.closed"} {
			var ev struct {
				Items []struct {
					ActorID *string `json:"actor_id"`
				} `json:"items"`
			}
			e.Get("/v1/audit-events?action="+action+"&entity_id="+d.ID, admin).Want(t, http.StatusOK).JSON(t, &ev)
			if len(ev.Items) != 1 || ev.Items[0].ActorID == nil || *ev.Items[0].ActorID != a.ID {
				t.Errorf("%s: %+v", action, ev.Items)
			}
		}
	})
}

func TestDemandMatchesAreRankedExplainedPagedAndFollowConsent(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		now := e.Clock.Now()
		l1 := e.OpenCohort(testutil.CohortSpec{Capacity: 20, Level: 1})
		l2 := e.OpenCohort(testutil.CohortSpec{Capacity: 20, Level: 2})
		other := e.OpenCohort(testutil.CohortSpec{Capacity: 20, Level: 3, Track: "materials"})
		region := "청주"
		best, _ := graduate(t, e, l2.ID, now.Add(-24*time.Hour))
		e.UpdateTrainee(best.ID, account.ProfilePatch{Skills: &[]string{"bms", "soc"}, Region: &region})
		mid, _ := graduate(t, e, l1.ID, now.Add(-100*24*time.Hour))
		e.UpdateTrainee(mid.ID, account.ProfilePatch{Skills: &[]string{"soc"}})
		low, _ := graduate(t, e, l1.ID, now.Add(-400*24*time.Hour))
		graduate(t, e, other.ID, now) // another track: no match
		a := e.NewCompany(account.CompanyApproved)
		d := postDemand(t, e, a.Token, map[string]any{"skills": []string{"bms", "soc"}, "region": region})

		got := allMatches(t, e, a.Token, d.ID, 1)
		type row struct {
			ID      string
			Score   int
			Factors demand.Factors
		}
		var rows []row
		for _, m := range got {
			rows = append(rows, row{m.ID, m.Score, m.Factors})
			if m.Factors.Total() != m.Score {
				t.Errorf("%s: factors %+v do not add up to %d", m.ID, m.Factors, m.Score)
			}
			if m.Email != nil || m.Phone != nil {
				t.Errorf("%s: contact data in a match", m.ID)
			}
			if len(m.Courses) == 0 || m.Levels["bms"] == 0 {
				t.Errorf("%s: not a pool entry: %+v", m.ID, m)
			}
		}
		want := []row{
			{best.ID, 35 + 30 + 15 + 15, demand.Factors{Level: 35, Skills: 30, Region: 15, Recency: 15}},
			{mid.ID, 30 + 15 + 0 + 10, demand.Factors{Level: 30, Skills: 15, Region: 0, Recency: 10}},
			{low.ID, 30, demand.Factors{Level: 30}},
		}
		if diff := cmp.Diff(want, rows); diff != "" {
			t.Errorf("matches (-want +got):\n%s", diff)
		}

		// Who may read them.
		e.Get("/v1/demands/"+d.ID+"/matches", e.AdminToken()).Want(t, http.StatusOK)
		e.Get("/v1/demands/"+d.ID+"/matches", e.NewCompany(account.CompanyApproved).Token).WantProblem(t, http.StatusNotFound, "not_found")
		e.Get("/v1/demands/"+d.ID+"/matches", best.Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")
		e.Get("/v1/demands/"+d.ID+"/matches?cursor=bogus", a.Token).WantProblem(t, http.StatusBadRequest, "invalid_cursor")

		// A page taken, then a graduate joins above the cursor and one opts
		// out: the rest of the list neither repeats nor skips anyone.
		var first matchPage
		e.Get("/v1/demands/"+d.ID+"/matches?limit=1", a.Token).Want(t, http.StatusOK).JSON(t, &first)
		newcomer, _ := graduate(t, e, l2.ID, now)
		e.UpdateTrainee(newcomer.ID, account.ProfilePatch{Skills: &[]string{"bms", "soc"}, Region: &region})
		var rest matchPage
		e.Get("/v1/demands/"+d.ID+"/matches?limit=5&cursor="+*first.NextCursor, a.Token).Want(t, http.StatusOK).JSON(t, &rest)
		var restIDs []string
		for _, m := range rest.Items {
			restIDs = append(restIDs, m.ID)
		}
		if !cmp.Equal(restIDs, []string{mid.ID, low.ID}) {
			t.Errorf("after the cursor: %v", restIDs)
		}
		// Levels, skills and newcomers count from the next refresh (serve's
		// sweep, every minute).
		e.UpdateTrainee(mid.ID, account.ProfilePatch{Skills: &[]string{"soc", "bms"}})
		if _, err := e.App.Demands.AnnounceNewMatches(context.Background()); err != nil {
			t.Fatal(err)
		}
		refreshed := map[string]int{}
		var order []string
		for _, m := range allMatches(t, e, a.Token, d.ID, 2) {
			refreshed[m.ID] = m.Score
			order = append(order, m.ID)
		}
		if refreshed[mid.ID] != 30+30+0+10 || refreshed[newcomer.ID] != 95 || len(order) != 4 || order[0] != newcomer.ID {
			t.Errorf("after a refresh: %v in order %v", refreshed, order)
		}
		no := false
		e.UpdateTrainee(best.ID, account.ProfilePatch{PoolOptIn: &no})
		for _, m := range allMatches(t, e, a.Token, d.ID, 20) {
			if m.ID == best.ID {
				t.Errorf("a graduate who opted out is still matched")
			}
		}
	})
}

// TestDemandMatchedIsAnnouncedOncePerGraduate: graduates matching when the
// demand is posted are in its matches; each one who matches later is
// announced to the company once, however often the sweep runs.
func TestDemandMatchedIsAnnouncedOncePerGraduate(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		ctx := context.Background()
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 10, Level: 1})
		graduate(t, e, c.ID, e.Clock.Now())
		a := e.NewCompany(account.CompanyApproved)
		d := postDemand(t, e, a.Token, nil)
		if n, err := e.App.Demands.AnnounceNewMatches(ctx); err != nil || n != 0 {
			t.Fatalf("first sweep: %d, %v; want 0 (the graduate matched at posting)", n, err)
		}
		late, _ := graduate(t, e, c.ID, e.Clock.Now())
		var wg sync.WaitGroup
		counts := make([]int, 3)
		for i := range counts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := e.App.Demands.AnnounceNewMatches(ctx)
				if err != nil {
					t.Errorf("sweep: %v", err)
				}
				counts[i] = n
			}()
		}
		wg.Wait()
		if n, _ := e.App.Demands.AnnounceNewMatches(ctx); n != 0 {
			t.Errorf("a later sweep announced %d", n)
		}
		var evs []struct {
			Subject    string `bun:"subject"`
			Data       string `bun:"data_json"`
			Recipients string `bun:"recipients_json"`
		}
		if err := e.DB.NewSelect().Table("events").Column("subject", "data_json", "recipients_json").
			Where("type = 'demand.matched'").Scan(ctx, &evs); err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 || counts[0]+counts[1]+counts[2] != 1 {
			t.Fatalf("events %+v, sweeps announced %v; want one", evs, counts)
		}
		if evs[0].Subject != "/v1/demands/"+d.ID || evs[0].Recipients != `["`+a.ID+`"]` ||
			!strings.Contains(evs[0].Data, late.ID) {
			t.Errorf("event %+v", evs[0])
		}
	})
}

// TestDemandMatchesRankAsTheScoreRuleSays checks the SQL ranking against
// the Go rule (demand.Score) on random graduates: levels from completions
// and placements, skills, regions and completion ages.
func TestDemandMatchesRankAsTheScoreRuleSays(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		rng := rand.New(rand.NewPCG(7, uint64(len(e.Dialect))))
		now := e.Clock.Now()
		admin := e.AdminToken()
		cohorts := map[int]string{}
		for lvl := 1; lvl <= 5; lvl++ {
			cohorts[lvl] = e.OpenCohort(testutil.CohortSpec{Capacity: 200, Level: lvl}).ID
		}
		materials := e.OpenCohort(testutil.CohortSpec{Capacity: 200, Level: 1, Track: "materials"}).ID
		tags := []string{"bms", "soc", "cell", "firmware", "safety"}
		regions := []string{"", "청주", "오창", "서울"}
		type fact struct {
			level int
			at    time.Time
		}
		type grad struct {
			id        string
			graduated bool // completed some course, in any track
			done      []fact
			placement int
			skills    []string
			region    string
		}
		var grads []grad
		for range 40 {
			u := e.NewUser(auth.Trainee)
			g := grad{id: u.ID}
			if rng.IntN(5) == 0 {
				g.graduated = true
				e.InsertCompletion(materials, u.ID, now.Add(-time.Duration(rng.IntN(500))*24*time.Hour))
			}
			for lvl := 1; lvl <= 5; lvl++ {
				if rng.IntN(3) == 0 {
					at := now.Add(-time.Duration(rng.IntN(500*24)) * time.Hour).Truncate(time.Microsecond)
					e.InsertCompletion(cohorts[lvl], u.ID, at)
					g.graduated = true
					g.done = append(g.done, fact{lvl, at})
				}
			}
			if rng.IntN(4) == 0 {
				g.placement = 1 + rng.IntN(5)
				e.Post("/v1/trainees/"+u.ID+"/placements", admin, map[string]any{"track": "bms", "level": g.placement, "reason": "경력 인정"}).Want(t, http.StatusCreated)
			}
			for _, tag := range tags {
				if rng.IntN(2) == 0 {
					g.skills = append(g.skills, tag)
				}
			}
			g.region = regions[rng.IntN(len(regions))]
			yes := rng.IntN(6) != 0
			p := account.ProfilePatch{Skills: &g.skills, PoolOptIn: &yes}
			if g.region != "" {
				p.Region = &g.region
			}
			e.UpdateTrainee(u.ID, p)
			if !yes {
				continue // not in the pool: never a match
			}
			grads = append(grads, g)
		}
		a := e.NewCompany(account.CompanyApproved)
		for round := range 4 {
			minLevel := 1 + rng.IntN(3)
			asked := []string{}
			for _, tag := range tags {
				if rng.IntN(3) == 0 {
					asked = append(asked, tag)
				}
			}
			region := regions[rng.IntN(len(regions))]
			d := postDemand(t, e, a.Token, map[string]any{"min_level": minLevel, "skills": asked, "region": region, "title": fmt.Sprintf("round %d", round)})
			type scoredID struct {
				ID    string
				Score int
			}
			var want []scoredID
			for _, g := range grads {
				if !g.graduated {
					continue // placed but never completed: not a graduate
				}
				c := demand.Candidate{Level: g.placement, Region: g.region}
				for _, f := range g.done {
					c.Level = max(c.Level, f.level)
					if f.level >= minLevel && (c.QualifiedAt == nil || f.at.After(*c.QualifiedAt)) {
						at := f.at
						c.QualifiedAt = &at
					}
				}
				for _, s := range g.skills {
					for _, x := range asked {
						if s == x {
							c.SkillsHeld++
						}
					}
				}
				f, ok := demand.Score(demand.Need{MinLevel: minLevel, Skills: len(asked), Region: region}, c, now)
				if ok {
					want = append(want, scoredID{g.id, f.Total()})
				}
			}
			sort.Slice(want, func(i, j int) bool {
				if want[i].Score != want[j].Score {
					return want[i].Score > want[j].Score
				}
				return want[i].ID > want[j].ID
			})
			var got []scoredID
			for _, m := range allMatches(t, e, a.Token, d.ID, 7) {
				got = append(got, scoredID{m.ID, m.Score})
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("round %d (min_level %d, skills %v, region %q) (-rule +query):\n%s", round, minLevel, asked, region, diff)
			}
		}
	})
}

// acceptedRequest has company co contact graduate g and g accept: the
// request a hire is recorded on.
func acceptedRequest(t *testing.T, e *testutil.Env, co, g testutil.User) string {
	t.Helper()
	var sv sentView
	e.Post("/v1/graduates/"+g.ID+"/contact-requests", co.Token, map[string]any{"message": "면담 요청"}).
		Want(t, http.StatusCreated).JSON(t, &sv)
	e.Post("/v1/contact-requests/"+sv.ID+"/accept", g.Token, nil).Want(t, http.StatusOK)
	return sv.ID
}

func TestHiresFillADemandAndCloseItAtTheHeadcount(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 20})
		co := e.NewCompany(account.CompanyApproved)
		rival := e.NewCompany(account.CompanyApproved)
		d := postDemand(t, e, co.Token, map[string]any{"headcount": 2})
		theirs := postDemand(t, e, rival.Token, nil)
		var gs []testutil.User
		for range 5 {
			g, _ := graduate(t, e, c.ID, e.Clock.Now())
			gs = append(gs, g)
		}
		hire := func(g testutil.User, demandID string) *testutil.Response {
			return e.Post("/v1/contact-requests/"+acceptedRequest(t, e, co, g)+"/hire", co.Token,
				map[string]any{"position": "BMS 엔지니어", "hired_on": "2026-12-01", "demand_id": demandID})
		}
		// Another company's demand, or none, is a bad field; nothing is recorded.
		hire(gs[0], theirs.ID).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		hire(gs[0], "not-a-demand").WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")

		var h struct {
			DemandID *string `json:"demand_id"`
		}
		hire(gs[1], d.ID).Want(t, http.StatusCreated).JSON(t, &h)
		if h.DemandID == nil || *h.DemandID != d.ID {
			t.Errorf("hire's demand %v", h.DemandID)
		}
		var got demandView
		e.Get("/v1/demands/"+d.ID, co.Token).Want(t, http.StatusOK).JSON(t, &got)
		if got.Filled != 1 || got.Status != demand.Open {
			t.Fatalf("after one hire: %+v", got)
		}
		e.Patch("/v1/demands/"+d.ID, co.Token, map[string]any{"headcount": 0}).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")

		// Two hires race for the last place: one fills it and closes the
		// demand, the other is refused and not recorded.
		reqs := []string{acceptedRequest(t, e, co, gs[2]), acceptedRequest(t, e, co, gs[3])}
		statuses := make([]int, 2)
		var wg sync.WaitGroup
		for i, id := range reqs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i] = e.Post("/v1/contact-requests/"+id+"/hire", co.Token,
					map[string]any{"position": "BMS 엔지니어", "hired_on": "2026-12-01", "demand_id": d.ID}).Status
			}()
		}
		wg.Wait()
		sort.Ints(statuses)
		if !cmp.Equal(statuses, []int{http.StatusCreated, http.StatusConflict}) {
			t.Errorf("racing hires answered %v", statuses)
		}
		e.Get("/v1/demands/"+d.ID, co.Token).Want(t, http.StatusOK).JSON(t, &got)
		if got.Filled != 2 || got.Status != demand.Closed {
			t.Errorf("at the headcount: %+v", got)
		}
		hire(gs[4], d.ID).WantProblem(t, http.StatusConflict, "demand_closed")
		var n int
		if err := e.DB.NewSelect().Table("hires").ColumnExpr("COUNT(*)").Where("demand_id = ?", d.ID).Scan(context.Background(), &n); err != nil || n != 2 {
			t.Errorf("hires against the demand: %d (%v), want 2", n, err)
		}
		// A hire without a demand still works.
		e.Post("/v1/contact-requests/"+acceptedRequest(t, e, co, gs[4])+"/hire", co.Token,
			map[string]any{"position": "BMS 엔지니어", "hired_on": "2026-12-01"}).Want(t, http.StatusCreated)
	})
}

func TestDemandReportShowsTheGapPerTrackAndLevel(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		now := e.Clock.Now()
		day := func(days int) string { return now.AddDate(0, 0, days).UTC().Format(time.DateOnly) }
		admin := e.AdminToken()
		l2 := e.OpenCohort(testutil.CohortSpec{Capacity: 20, Level: 2})
		l3 := e.OpenCohort(testutil.CohortSpec{Capacity: 20, Level: 3})
		soon := e.OpenCohort(testutil.CohortSpec{Capacity: 20, Level: 2, StartsOn: day(7), EndsOn: day(30)})
		late := e.OpenCohort(testutil.CohortSpec{Capacity: 20, Level: 2, StartsOn: day(7), EndsOn: day(200)})
		graduate(t, e, l2.ID, now)
		graduate(t, e, l3.ID, now) // above the level: matches too
		gone, _ := graduate(t, e, l2.ID, now)
		no := false
		e.UpdateTrainee(gone.ID, account.ProfilePatch{PoolOptIn: &no})
		e.InsertEnrolment(l2.ID, e.NewUser(auth.Trainee).ID, "failed")
		e.InsertEnrolment(soon.ID, e.NewUser(auth.Trainee).ID, "enrolled") // due before the date
		e.InsertEnrolment(late.ID, e.NewUser(auth.Trainee).ID, "enrolled") // due after it

		co := e.NewCompany(account.CompanyApproved)
		postDemand(t, e, co.Token, map[string]any{"min_level": 2, "headcount": 4, "needed_by": day(90)})
		postDemand(t, e, co.Token, map[string]any{"min_level": 2, "headcount": 2, "needed_by": day(60)})
		postDemand(t, e, co.Token, map[string]any{"track": "safety-testing", "min_level": 3, "headcount": 4, "needed_by": day(120)})
		closed := postDemand(t, e, co.Token, map[string]any{"track": "recycling", "headcount": 9, "needed_by": day(120)})
		e.Post("/v1/demands/"+closed.ID+"/close", co.Token, nil).Want(t, http.StatusOK)
		postDemand(t, e, co.Token, map[string]any{"track": "materials", "headcount": 9, "needed_by": day(-1)}) // past its date

		var rep struct {
			AsOf string           `json:"as_of"`
			Rows []map[string]any `json:"rows"`
		}
		e.Get("/v1/reports/demand", admin).Want(t, http.StatusOK).JSON(t, &rep)
		want := []map[string]any{
			{"track": "bms", "level": 2.0, "demands": 2.0, "needed_by": day(90), "open_headcount": 6.0,
				"matching_graduates": 2.0, "due_to_complete": 1.0, "gap": 3.0, "completion_rate": 0.6667, "seats_needed": 5.0},
			{"track": "safety-testing", "level": 3.0, "demands": 1.0, "needed_by": day(120), "open_headcount": 4.0,
				"matching_graduates": 0.0, "due_to_complete": 0.0, "gap": 4.0, "completion_rate": nil, "seats_needed": 4.0},
		}
		if rep.AsOf != day(0) {
			t.Errorf("as_of %q", rep.AsOf)
		}
		if diff := cmp.Diff(want, rep.Rows); diff != "" {
			t.Errorf("report (-want +got):\n%s", diff)
		}
		// Later: the materials demand's date is still past, the bms trainee
		// due in 30 days is no longer due from then on.
		e.Get("/v1/reports/demand?as_of="+day(45), admin).Want(t, http.StatusOK).JSON(t, &rep)
		if len(rep.Rows) != 2 || rep.Rows[0]["due_to_complete"] != 0.0 || rep.Rows[0]["gap"] != 4.0 {
			t.Errorf("as of %s: %v", day(45), rep.Rows)
		}
		e.Get("/v1/reports/demand?as_of=tomorrow", admin).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Get("/v1/reports/demand", co.Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")

		res := e.Get("/v1/reports/demand.csv", admin).Want(t, http.StatusOK)
		body := strings.TrimPrefix(string(res.Body), "\ufeff")
		wantCSV := "track,level,demands,needed_by,open_headcount,matching_graduates,due_to_complete,gap,completion_rate,seats_needed\n" +
			"bms,2,2," + day(90) + ",6,2,1,3,0.6667,5\n" +
			"safety-testing,3,1," + day(120) + ",4,0,0,4,,4\n"
		if diff := cmp.Diff(wantCSV, strings.ReplaceAll(body, "\r\n", "\n")); diff != "" {
			t.Errorf("CSV (-want +got):\n%s", diff)
		}
		e.Get("/v1/reports/demand.xlsx", admin).Want(t, http.StatusOK)
	})
}
