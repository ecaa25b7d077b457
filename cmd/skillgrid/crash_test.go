package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/skillgrid/skillgrid/internal/testutil"
)

// asServe is the environment variable that makes the test binary run
// `skillgrid serve` instead of the tests: a server in a process of its
// own, which a test can kill.
const asServe = "SKILLGRID_TEST_AS_SERVE"

func TestMain(m *testing.M) {
	if os.Getenv(asServe) == "1" {
		if err := run(context.Background(), []string{"serve"}, os.Getenv, os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestKillMidRushLosesNoAcknowledgedEnrolment: a serve process killed
// with SIGKILL in the middle of a rush has stored every enrolment it
// answered 201, with the status it answered, and the cohort's seats still
// match its enrolments.
func TestKillMidRushLosesNoAcknowledgedEnrolment(t *testing.T) {
	t.Parallel()
	for _, dialect := range testutil.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			dsn := testutil.NewDSN(t, dialect)
			e := testutil.NewOn(t, dialect, dsn)
			c := e.OpenCohort(testutil.CohortSpec{Capacity: 30})
			trainees := e.Trainees(240)

			addr := freeAddr(t)
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), asServe+"=1",
				"SKILLGRID_DATABASE_URL="+dsn, "SKILLGRID_JWT_SECRET="+testutil.Secret,
				"SKILLGRID_ADDR="+addr, "SKILLGRID_LOG_LEVEL=error")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
			waitUp(t, "http://"+addr+"/readyz")

			type answer struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			}
			var (
				mu       sync.Mutex
				answered []answer
				acked    atomic.Int32
				killOnce sync.Once
				wg       sync.WaitGroup
			)
			kill := func() { killOnce.Do(func() { _ = cmd.Process.Signal(syscall.SIGKILL) }) }
			next := make(chan string)
			// Eight in flight: enough for batches to form, and few
			// connections for a child serve next to the other tests on
			// one PostgreSQL (see testutil.PostgresConns).
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for token := range next {
						req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/v1/cohorts/"+c.ID+"/enrolments", nil)
						req.Header.Set("Authorization", "Bearer "+token)
						res, err := http.DefaultClient.Do(req)
						if err != nil {
							continue // the server is gone: not acknowledged
						}
						var a answer
						err = json.NewDecoder(res.Body).Decode(&a)
						res.Body.Close()
						if err != nil || res.StatusCode != http.StatusCreated {
							continue
						}
						mu.Lock()
						answered = append(answered, a)
						mu.Unlock()
						if acked.Add(1) == 60 {
							kill()
						}
					}
				}()
			}
			for _, u := range trainees {
				next <- u.Token
			}
			close(next)
			wg.Wait()
			kill()
			_ = cmd.Wait()

			if len(answered) < 60 {
				t.Fatalf("only %d enrolments were answered before the kill", len(answered))
			}
			if len(answered) == len(trainees) {
				t.Fatalf("all %d enrolments were answered: the kill came too late to test anything", len(answered))
			}
			ctx := context.Background()
			for _, a := range answered {
				var status string
				if err := e.DB.NewSelect().Table("enrolments").Column("status").Where("id = ?", a.ID).Scan(ctx, &status); err != nil {
					t.Errorf("enrolment %s was answered 201 %s and is not stored: %v", a.ID, a.Status, err)
					continue
				}
				if status != a.Status {
					t.Errorf("enrolment %s was answered %s and is stored %s", a.ID, a.Status, status)
				}
			}
			var taken int
			if err := e.DB.NewSelect().Table("cohorts").Column("seats_taken").Where("id = ?", c.ID).Scan(ctx, &taken); err != nil {
				t.Fatal(err)
			}
			enrolled, err := e.DB.NewSelect().Table("enrolments").Where("cohort_id = ? AND status = 'enrolled'", c.ID).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if int64(taken) != enrolled || taken > 30 {
				t.Errorf("seats_taken %d, enrolled %d, capacity 30", taken, enrolled)
			}
			t.Logf("%d of %d answered 201 before the kill; all stored", len(answered), len(trainees))
		})
	}
}
