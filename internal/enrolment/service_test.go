package enrolment_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/enrolment"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// An admin enrols an active trainee by id; any other id is the client's
// mistake (422), but a database that cannot answer is not: its error goes
// up as it is, to be answered as the server's failure.
func TestRequireTraineeTellsAMistakeFromAnOutage(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		ctx := context.Background()
		s := e.App.Enrolments
		trainee, instructor := e.NewUser(auth.Trainee), e.NewUser(auth.Instructor)
		if err := s.RequireTrainee(ctx, trainee.ID); err != nil {
			t.Errorf("an active trainee: %v", err)
		}
		for name, id := range map[string]string{"an instructor": instructor.ID, "nobody": ids.New(), "not an id": "x"} {
			if err := s.RequireTrainee(ctx, id); !apperr.IsKind(err, apperr.KindInvalid) {
				t.Errorf("%s: %v, want validation_failed", name, err)
			}
		}
		down, cancel := context.WithCancel(ctx)
		cancel()
		err := s.RequireTrainee(down, trainee.ID)
		if _, isApp := apperr.As(err); isApp || !errors.Is(err, context.Canceled) {
			t.Errorf("the database did not answer: %v, want its error as it is", err)
		}
	})
}

// TestChecksReadTogetherAnswerEachPair: the cohort checks of the
// enrolments in flight are read together; one read of several cohorts and
// trainees gives each pair its own cohort and its trainee's name, and
// leaves out a cohort that does not exist.
func TestChecksReadTogetherAnswerEachPair(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		a, b := e.OpenCohort(testutil.CohortSpec{}), e.OpenCohort(testutil.CohortSpec{})
		tr := e.Trainees(2)
		if _, err := e.DB.NewUpdate().Table("users").Set("name = ?", "둘째 훈련생").Where("id = ?", tr[1].ID).Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
		const unknown = "01937a4e-5b7c-7d2a-9f10-3c4d5e6f7a8b"
		pairs := [][2]string{{a.ID, tr[0].ID}, {a.ID, tr[1].ID}, {b.ID, tr[0].ID}, {b.ID, tr[1].ID}, {a.ID, ""}, {unknown, tr[0].ID}}
		got, err := e.App.Enrolments.CohortsTogether(context.Background(), pairs)
		if err != nil {
			t.Fatal(err)
		}
		name := func(id string) string {
			t.Helper()
			var n string
			if err := e.DB.NewSelect().Table("users").Column("name").Where("id = ?", id).Scan(context.Background(), &n); err != nil || n == "" {
				t.Fatalf("name of %s: %q, %v", id, n, err)
			}
			return n
		}
		n0, n1 := name(tr[0].ID), name(tr[1].ID)
		want := map[[2]string]enrolment.CheckedCohort{
			pairs[0]: {CohortID: a.ID, TraineeName: n0},
			pairs[1]: {CohortID: a.ID, TraineeName: n1},
			pairs[2]: {CohortID: b.ID, TraineeName: n0},
			pairs[3]: {CohortID: b.ID, TraineeName: n1},
			pairs[4]: {CohortID: a.ID},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("one read of %d pairs (-want +got):\n%s", len(pairs), diff)
		}
	})
}
