package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

type eventLogPage struct {
	Items []struct {
		ID      string         `json:"id"`
		Seq     int64          `json:"seq"`
		Type    string         `json:"type"`
		Subject string         `json:"subject"`
		Data    map[string]any `json:"data"`
	} `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func eventLog(t *testing.T, e *testutil.Env, query string) eventLogPage {
	t.Helper()
	if err := e.App.Sequencer.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	var p eventLogPage
	e.Get("/v1/events"+query, e.AdminToken()).Want(t, http.StatusOK).JSON(t, &p)
	return p
}

// The log is in commit order: an event whose id sorts first but whose
// transaction committed last comes after the cursor a reader already
// holds, so a reader paging from its cursor never skips it.
func TestEventLogIsInCommitOrderAndReplayable(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 5})
		u := e.NewUser(auth.Trainee)
		early := ids.New() // made before the enrolment's event, committed after it
		en := enrol(t, e, c.ID, u, http.StatusCreated)

		all := eventLog(t, e, "")
		if len(all.Items) != 1 || all.Items[0].Type != "enrolment.created" || all.Items[0].Subject != "/v1/enrolments/"+en.ID ||
			all.Items[0].Data["enrolment_id"] != en.ID || all.NextCursor == nil {
			t.Fatalf("log %+v", all)
		}
		cursor := *all.NextCursor
		if empty := eventLog(t, e, "?after="+cursor); len(empty.Items) != 0 || empty.NextCursor != nil {
			t.Fatalf("after the end: %+v", empty)
		}

		err := db.InTx(context.Background(), e.DB, func(ctx context.Context, tx bun.Tx) error {
			return events.Record(ctx, tx, events.Event{ID: early, Type: events.CohortChanged, Subject: "/v1/cohorts/" + c.ID, At: e.Clock.Now(), Data: map[string]any{}})
		})
		if err != nil {
			t.Fatal(err)
		}
		late := eventLog(t, e, "?after="+cursor)
		if len(late.Items) != 1 || late.Items[0].ID != early || late.Items[0].Seq <= all.Items[0].Seq {
			t.Fatalf("the late commit: %+v", late)
		}

		// Pages, a type, and what is refused.
		e.Post("/v1/enrolments/"+en.ID+"/withdraw", u.Token, nil).Want(t, http.StatusOK)
		p1 := eventLog(t, e, "?limit=2")
		if len(p1.Items) != 2 || p1.Items[1].ID != early {
			t.Fatalf("page 1 %+v", p1)
		}
		p2 := eventLog(t, e, "?limit=2&after="+*p1.NextCursor)
		if len(p2.Items) != 1 || p2.Items[0].Type != "enrolment.withdrawn" {
			t.Fatalf("page 2 %+v", p2)
		}
		if only := eventLog(t, e, "?type=enrolment.withdrawn"); len(only.Items) != 1 || only.Items[0].Type != "enrolment.withdrawn" {
			t.Fatalf("by type %+v", only)
		}
		e.Get("/v1/events?after=x", e.AdminToken()).WantProblem(t, http.StatusBadRequest, "invalid_cursor")
		e.Get("/v1/events?type=enrolment.eaten", e.AdminToken()).WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Get("/v1/events?since=1", e.AdminToken()).WantProblem(t, http.StatusBadRequest, "unknown_parameter")
		e.Get("/v1/events", u.Token).WantProblem(t, http.StatusForbidden, "role_not_allowed")
	})
}
