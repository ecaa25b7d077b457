package catalogue_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// TestEligibilityReadTogetherAnswersEachPair: the checks of a rush are
// read together (EligibilityChecks); one read of several trainees and
// courses gives each pair the answer a read of its own gives, so no
// trainee's standing or course's gate reaches another pair.
func TestEligibilityReadTogetherAnswersEachPair(t *testing.T) {
	t.Parallel()
	for _, dialect := range testutil.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := testutil.New(t, dialect)
			ctx := context.Background()
			l1 := e.OpenCohort(testutil.CohortSpec{Level: 1})
			l2 := e.OpenCohort(testutil.CohortSpec{Level: 2, Prereqs: []string{l1.CourseID}})
			l3 := e.OpenCohort(testutil.CohortSpec{Level: 3})
			cell := e.OpenCohort(testutil.CohortSpec{Level: 2, Track: "cell-design"})
			done, fresh := e.NewUser(auth.Trainee), e.NewUser(auth.Trainee)
			e.InsertEnrolment(l1.ID, done.ID, "completed")
			const unknown = "01937a4e-5b7c-7d2a-9f10-3c4d5e6f7a8b"

			var pairs [][2]string
			for _, tr := range []string{done.ID, fresh.ID} {
				for _, c := range []string{l1.CourseID, l2.CourseID, l3.CourseID, cell.CourseID, unknown} {
					pairs = append(pairs, [2]string{tr, c})
				}
			}
			together, err := catalogue.Eligibility{}.CheckTogether(ctx, e.DB, pairs)
			if err != nil {
				t.Fatal(err)
			}
			code := func(err error) string {
				if err == nil {
					return "ok"
				}
				if ae, ok := apperr.As(err); ok {
					return fmt.Sprintf("%s %s", ae.Code, ae.Detail())
				}
				return err.Error()
			}
			want := []string{"already_completed", "ok", "level_too_low", "level_too_low", "not_found",
				"ok", "level_too_low", "level_too_low", "level_too_low", "not_found"}
			for i, p := range pairs {
				alone := e.App.Catalogue.CheckEligible(ctx, e.DB, p[0], p[1])
				if code(together[i]) != code(alone) {
					t.Errorf("pair %d: together %q, alone %q", i, code(together[i]), code(alone))
				}
				if got := code(together[i]); !strings.HasPrefix(got, want[i]) {
					t.Errorf("pair %d: %q, want %s", i, got, want[i])
				}
			}
		})
	}
}
