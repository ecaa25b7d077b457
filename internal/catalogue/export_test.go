package catalogue

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/platform/page"
)

// CoursesQuerySQL is the SQL of the course list query, for EXPLAIN.
func CoursesQuerySQL(idb bun.IDB, f CourseFilter, publishedOnly bool, p page.Params) string {
	var cs []Course
	return Store{}.coursesQuery(idb, &cs, f, publishedOnly, p).String()
}

// SearchText is the lower-cased search column of a course.
func SearchText(c Course) string { return searchText(c) }

// CheckTogether checks the eligibility of each pair (trainee, course) with
// one read, as EligibilityChecks reads the checks in flight.
func (e Eligibility) CheckTogether(ctx context.Context, idb bun.IDB, pairs [][2]string) ([]error, error) {
	keys := make([]eligibilityKey, len(pairs))
	for i, p := range pairs {
		keys[i] = eligibilityKey{TraineeID: p[0], CourseID: p[1]}
	}
	facts, err := e.store.eligibilityFacts(ctx, idb, keys)
	if err != nil {
		return nil, err
	}
	out := make([]error, len(keys))
	for i, k := range keys {
		out[i] = judge(facts[k])
	}
	return out, nil
}
