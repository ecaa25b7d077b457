package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"testing"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// rushClient has enough connections for a rush without exhausting ports.
var rushClient = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}

type rushResult struct {
	status int
	view   enrolmentView
	err    error
}

func post(base, path, token string) rushResult {
	req, _ := http.NewRequest(http.MethodPost, base+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := rushClient.Do(req)
	if err != nil {
		return rushResult{err: err}
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	r := rushResult{status: res.StatusCode}
	if res.StatusCode < 300 {
		r.err = json.Unmarshal(body, &r.view)
	} else if res.StatusCode >= 500 {
		r.err = fmt.Errorf("%d: %s", res.StatusCode, body)
	}
	return r
}

// checkInvariant reads the cohort from the database and checks the enrolment
// invariant: seats held never exceed capacity and match the counter; no
// trainee holds two active enrolments; waitlist positions are 1..n in
// order of arrival; every 201 the server sent is stored.
func checkInvariant(t *testing.T, e *testutil.Env, cohortID string, created []enrolmentView) (held, waiting int) {
	t.Helper()
	ctx := context.Background()
	var cohort struct {
		Capacity   int `bun:"capacity"`
		SeatsTaken int `bun:"seats_taken"`
	}
	if err := e.DB.NewSelect().Table("cohorts").Column("capacity", "seats_taken").Where("id = ?", cohortID).Scan(ctx, &cohort); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		ID          string `bun:"id"`
		TraineeID   string `bun:"trainee_id"`
		Status      string `bun:"status"`
		WaitlistSeq *int64 `bun:"waitlist_seq"`
	}
	if err := e.DB.NewSelect().Table("enrolments").Column("id", "trainee_id", "status", "waitlist_seq").
		Where("cohort_id = ?", cohortID).OrderExpr("id").Scan(ctx, &rows); err != nil {
		t.Fatal(err)
	}
	stored := map[string]string{}
	activeOf := map[string]int{}
	var seqs []int64
	for _, r := range rows {
		stored[r.ID] = r.Status
		switch r.Status {
		case "enrolled", "completed", "failed":
			held++
		}
		if r.Status == "enrolled" || r.Status == "waitlisted" {
			activeOf[r.TraineeID]++
		}
		if r.Status == "waitlisted" {
			waiting++
			if r.WaitlistSeq == nil {
				t.Errorf("waitlisted %s has no arrival number", r.ID)
				continue
			}
			seqs = append(seqs, *r.WaitlistSeq)
		}
	}
	if held > cohort.Capacity || held != cohort.SeatsTaken {
		t.Errorf("seats held %d, counter %d, capacity %d", held, cohort.SeatsTaken, cohort.Capacity)
	}
	for trainee, n := range activeOf {
		if n > 1 {
			t.Errorf("trainee %s holds %d active enrolments", trainee, n)
		}
	}
	// Arrival numbers are distinct, so positions (ranks) are exactly 1..n.
	sort.Slice(seqs, func(i, j int) bool { return seqs[i] < seqs[j] })
	for i := 1; i < len(seqs); i++ {
		if seqs[i] == seqs[i-1] {
			t.Errorf("two waitlisted enrolments share arrival number %d", seqs[i])
		}
	}
	for _, v := range created {
		if _, ok := stored[v.ID]; !ok {
			t.Errorf("the server answered 201 for %s but it is not stored", v.ID)
		}
	}
	return held, waiting
}

// closeIdleAtCleanup closes the client's idle keep-alive connections before
// the servers started earlier stop, so that their graceful shutdown does not
// wait out its timeout on them.
func closeIdleAtCleanup(t *testing.T) {
	t.Cleanup(rushClient.CloseIdleConnections)
}

// rush sends one enrol request per trainee at once, spread over the bases.
func rush(t *testing.T, bases []string, cohortID string, trainees []testutil.User) []rushResult {
	t.Helper()
	closeIdleAtCleanup(t)
	results := make([]rushResult, len(trainees))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, u := range trainees {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = post(bases[i%len(bases)], "/v1/cohorts/"+cohortID+"/enrolments", u.Token)
		}()
	}
	close(start)
	wg.Wait()
	return results
}

func checkRush(t *testing.T, e *testutil.Env, cohortID string, seats int, results []rushResult) {
	t.Helper()
	var created []enrolmentView
	enrolled, waitlisted := 0, 0
	positions := map[int]bool{}
	for _, r := range results {
		if r.err != nil || r.status != http.StatusCreated {
			t.Fatalf("a rush request failed: %d %v", r.status, r.err)
		}
		created = append(created, r.view)
		switch r.view.Status {
		case "enrolled":
			enrolled++
		case "waitlisted":
			waitlisted++
			positions[*r.view.WaitlistPosition] = true
		}
	}
	if enrolled != seats || waitlisted != len(results)-seats {
		t.Fatalf("answers: %d enrolled, %d waitlisted; want %d and %d", enrolled, waitlisted, seats, len(results)-seats)
	}
	// Each waitlisted answer got its own position, 1..n.
	for p := 1; p <= waitlisted; p++ {
		if !positions[p] {
			t.Fatalf("no answer had waitlist position %d", p)
		}
	}
	held, waiting := checkInvariant(t, e, cohortID, created)
	if held != seats || waiting != len(results)-seats {
		t.Fatalf("stored: %d held, %d waiting", held, waiting)
	}
	// Nobody left the line, so each answer's position is still its rank.
	now := map[string]int{}
	for _, v := range rosterOf(t, e, cohortID, "waitlisted") {
		now[v.ID] = *v.WaitlistPosition
	}
	for _, v := range created {
		if v.Status == "waitlisted" && now[v.ID] != *v.WaitlistPosition {
			t.Fatalf("%s was told position %d but is at %d", v.ID, *v.WaitlistPosition, now[v.ID])
		}
	}
}

// rosterOf reads a cohort's whole roster of one status, page by page.
func rosterOf(t *testing.T, e *testutil.Env, cohortID, status string) []enrolmentView {
	t.Helper()
	var all []enrolmentView
	cursor := ""
	for {
		var pg struct {
			Items      []enrolmentView `json:"items"`
			NextCursor *string         `json:"next_cursor"`
		}
		e.Get("/v1/cohorts/"+cohortID+"/enrolments?limit=100&status="+status+"&cursor="+cursor, e.AdminToken()).Want(t, http.StatusOK).JSON(t, &pg)
		all = append(all, pg.Items...)
		if pg.NextCursor == nil {
			return all
		}
		cursor = *pg.NextCursor
	}
}

func TestRushOf200AtTenSeats(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 10})
		trainees := e.Trainees(200)
		base := e.Serve()
		checkRush(t, e, c.ID, 10, rush(t, []string{base}, c.ID, trainees))
	})
}

func TestRushAcrossTwoServersOnOnePostgres(t *testing.T) {
	t.Parallel()
	if !contains(testutil.Dialects(t), testutil.Postgres) {
		// Only when PostgreSQL was switched off on purpose (make test says so
		// loudly); CI requires it, and an unreachable one fails in Dialects.
		t.Skip("PostgreSQL is off (SKILLGRID_TEST_POSTGRES_URL=off): two servers share one PostgreSQL only")
	}
	e := testutil.New(t, testutil.Postgres)
	second := testutil.NewOn(t, testutil.Postgres, e.DSN) // another process's pool on the same database
	c := e.OpenCohort(testutil.CohortSpec{Capacity: 10})
	trainees := e.Trainees(200)
	checkRush(t, e, c.ID, 10, rush(t, []string{e.Serve(), second.Serve()}, c.ID, trainees))
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func TestSameTraineeFromTwentyGoroutines(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 5})
		u := e.NewUser(auth.Trainee)
		same := make([]testutil.User, 20)
		for i := range same {
			same[i] = u
		}
		results := rush(t, []string{e.Serve()}, c.ID, same)
		ids := map[string]bool{}
		created := 0
		for _, r := range results {
			if r.err != nil || (r.status != http.StatusCreated && r.status != http.StatusOK) {
				t.Fatalf("request failed: %d %v", r.status, r.err)
			}
			if r.status == http.StatusCreated {
				created++
			}
			ids[r.view.ID] = true
		}
		if created != 1 || len(ids) != 1 {
			t.Fatalf("%d created, %d distinct enrolments; want exactly one", created, len(ids))
		}
		if held, _ := checkInvariant(t, e, c.ID, nil); held != 1 {
			t.Fatalf("seats held %d", held)
		}
	})
}

func TestWithdrawalsRaceEnrolments(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 10})
		first := e.Trainees(20) // 10 seated, 10 waiting
		var holders []enrolmentView
		for _, u := range first {
			holders = append(holders, enrol(t, e, c.ID, u, http.StatusCreated))
		}
		late := e.Trainees(40)
		base := e.Serve()
		closeIdleAtCleanup(t)
		var wg sync.WaitGroup
		start := make(chan struct{})
		var mu sync.Mutex
		var created []enrolmentView
		fail := func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			t.Errorf(format, args...)
		}
		for i := 0; i < 10; i++ { // every seat holder leaves while 40 more arrive
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				r := post(base, "/v1/enrolments/"+holders[i].ID+"/withdraw", first[i].Token)
				if r.err != nil || r.status != http.StatusOK {
					fail("withdraw: %d %v", r.status, r.err)
				}
			}()
		}
		for _, u := range late {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				r := post(base, "/v1/cohorts/"+c.ID+"/enrolments", u.Token)
				if r.err != nil || r.status != http.StatusCreated {
					fail("enrol: %d %v", r.status, r.err)
					return
				}
				mu.Lock()
				created = append(created, r.view)
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
		held, waiting := checkInvariant(t, e, c.ID, created)
		// Seats never sit empty while someone waits.
		if held != 10 || waiting != 40 {
			t.Fatalf("after the race: %d held, %d waiting; want 10 and 40", held, waiting)
		}
		// The ten who waited first got the freed seats, ahead of every latecomer.
		for i := 10; i < 20; i++ {
			if got := getEnrolment(t, e, holders[i].ID, first[i].Token); got.Status != "enrolled" {
				t.Errorf("early waiter %d is %v", i, got)
			}
		}
		var roster struct {
			Items []enrolmentView `json:"items"`
		}
		e.Get("/v1/cohorts/"+c.ID+"/enrolments?status=waitlisted&limit=100", e.AdminToken()).Want(t, http.StatusOK).JSON(t, &roster)
		var pos []int
		for _, v := range roster.Items {
			pos = append(pos, *v.WaitlistPosition)
		}
		sort.Ints(pos)
		for i, p := range pos {
			if p != i+1 {
				t.Fatalf("waitlist positions %v are not 1..n", pos)
			}
		}
	})
}
