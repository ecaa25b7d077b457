package catalogue_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// TestLevelRuleAgreesInGoAndSQL checks the level rule's two readings
// against each other and against the levels it must give: the fold of a
// trainee's standing (LevelsOf, what enrolment and profiles use) and the
// SQL condition the graduate pool filters by (LevelAtLeast, in both its
// forms), for every track and minimum level.
func TestLevelRuleAgreesInGoAndSQL(t *testing.T) {
	t.Parallel()
	for _, dialect := range testutil.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := testutil.New(t, dialect)
			ctx := context.Background()
			admin := e.NewUser(auth.Admin)
			actor := auth.Actor{ID: admin.ID, Role: auth.Admin}
			cohort := map[string]map[int]string{}
			for _, track := range []string{"bms", "cell-design"} {
				cohort[track] = map[int]string{}
				for level := 1; level <= 3; level++ {
					cohort[track][level] = e.OpenCohort(testutil.CohortSpec{Track: track, Level: level}).ID
				}
			}
			place := func(traineeID, track string, level int) {
				t.Helper()
				e.Clock.Advance(time.Second)
				if _, err := e.App.Catalogue.Place(ctx, actor, traineeID, catalogue.NewPlacement{Track: track, Level: level, Reason: "test"}); err != nil {
					t.Fatalf("place: %v", err)
				}
			}
			var (
				completed = e.NewUser(auth.Trainee).ID // completed bms 1 and 2
				placed    = e.NewUser(auth.Trainee).ID // completed bms 1, placed at bms 3
				corrected = e.NewUser(auth.Trainee).ID // placed at bms 4, then 1; completed bms 2
				unproven  = e.NewUser(auth.Trainee).ID // failed bms 3, enrolled in bms 1
				other     = e.NewUser(auth.Trainee).ID // completed cell-design 1, placed there at 2
				nobody    = e.NewUser(auth.Trainee).ID
			)
			e.InsertEnrolment(cohort["bms"][1], completed, "completed")
			e.InsertEnrolment(cohort["bms"][2], completed, "completed")
			e.InsertEnrolment(cohort["bms"][1], placed, "completed")
			place(placed, "bms", 3)
			place(corrected, "bms", 4)
			place(corrected, "bms", 1)
			e.InsertEnrolment(cohort["bms"][2], corrected, "completed")
			e.InsertEnrolment(cohort["bms"][3], unproven, "failed")
			e.InsertEnrolment(cohort["bms"][1], unproven, "enrolled")
			e.InsertEnrolment(cohort["cell-design"][1], other, "completed")
			place(other, "cell-design", 2)

			trainees := []string{completed, placed, corrected, unproven, other, nobody}
			want := map[string]map[string]int{
				completed: {"bms": 2}, placed: {"bms": 3}, corrected: {"bms": 2},
				unproven: {}, other: {"cell-design": 2}, nobody: {},
			}
			got, err := e.App.Catalogue.LevelsOf(ctx, e.DB, trainees)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("LevelsOf (-want +got):\n%s", diff)
			}
			for _, track := range []string{"", "bms", "cell-design"} {
				for min := 1; min <= 5; min++ {
					var wantIDs []string
					for _, id := range trainees {
						for tr, level := range got[id] {
							if (track == "" || tr == track) && level >= min {
								wantIDs = append(wantIDs, id)
								break
							}
						}
					}
					sort.Strings(wantIDs)
					for _, form := range []catalogue.LevelForm{catalogue.PerTrainee, catalogue.TraineeSet} {
						cond, args := catalogue.LevelAtLeast("u.id", track, min, form)
						var ids []string
						err := e.DB.NewSelect().TableExpr("users AS u").Column("u.id").
							Where("u.id IN (?)", bun.List(trainees)).Where(cond, args...).Order("u.id").Scan(ctx, &ids)
						if err != nil {
							t.Fatalf("level ≥ %d in %q, form %d: %v", min, track, form, err)
						}
						if diff := cmp.Diff(wantIDs, ids, cmpopts.EquateEmpty()); diff != "" {
							t.Errorf("level ≥ %d in %q, form %d (-Go +SQL):\n%s", min, track, form, diff)
						}
					}
				}
			}
		})
	}
}
