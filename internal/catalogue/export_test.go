package catalogue

import (
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
