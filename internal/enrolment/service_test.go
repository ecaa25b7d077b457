package enrolment_test

import (
	"context"
	"errors"
	"testing"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/auth"
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
