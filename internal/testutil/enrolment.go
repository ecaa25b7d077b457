package testutil

import (
	"context"
	"time"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/catalogue"
)

// CohortSpec shapes a cohort made by OpenCohort; zero values take defaults
// (a level-1 bms course, a window open now, starting in a week).
type CohortSpec struct {
	Capacity int
	Level    int
	Track    string
	Prereqs  []string
	OpensAt  time.Time
	ClosesAt time.Time
	StartsOn string
	EndsOn   string
}

// Cohort is a cohort made by a helper, with its course and instructor.
type Cohort struct {
	ID, CourseID string
	Instructor   User
}

// OpenCohort makes a published course and a cohort of it through the
// services, enrollable now unless spec says otherwise.
func (e *Env) OpenCohort(spec CohortSpec) Cohort {
	e.T.Helper()
	ctx := context.Background()
	now := e.Clock.Now()
	if spec.Capacity == 0 {
		spec.Capacity = 10
	}
	if spec.Level == 0 {
		spec.Level = 1
	}
	if spec.Track == "" {
		spec.Track = "bms"
	}
	if spec.OpensAt.IsZero() {
		spec.OpensAt = now.Add(-time.Hour)
	}
	if spec.ClosesAt.IsZero() {
		spec.ClosesAt = now.Add(72 * time.Hour)
	}
	if spec.StartsOn == "" {
		spec.StartsOn = catalogue.Today(now.Add(7 * 24 * time.Hour))
	}
	if spec.EndsOn == "" {
		spec.EndsOn = catalogue.Today(now.Add(30 * 24 * time.Hour))
	}
	admin := e.NewUser(auth.Admin)
	actor := auth.Actor{ID: admin.ID, Role: auth.Admin}
	c, err := e.App.Catalogue.CreateCourse(ctx, actor, catalogue.NewCourse{
		Code: Name("TST"), Title: "시험 과정 (Test course)", Description: "for tests",
		Track: spec.Track, Level: spec.Level, Hours: 40, Prerequisites: spec.Prereqs, Status: "published",
	})
	if err != nil {
		e.T.Fatalf("create course: %v", err)
	}
	ins := e.NewUser(auth.Instructor)
	ch, err := e.App.Catalogue.CreateCohort(ctx, actor, c.ID, catalogue.NewCohort{
		Label: "테스트 1기", InstructorID: ins.ID, Capacity: spec.Capacity,
		StartsOn: spec.StartsOn, EndsOn: spec.EndsOn, EnrolOpensAt: spec.OpensAt, EnrolClosesAt: spec.ClosesAt, Mode: "onsite",
	})
	if err != nil {
		e.T.Fatalf("create cohort: %v", err)
	}
	return Cohort{ID: ch.ID, CourseID: c.ID, Instructor: ins}
}

// Trainees makes n signed-in trainees.
func (e *Env) Trainees(n int) []User {
	e.T.Helper()
	us := make([]User, n)
	for i := range us {
		us[i] = e.NewUser(auth.Trainee)
	}
	return us
}
