package catalogue

import (
	"context"
	"sort"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/msg"
)

// gateOf is the eligibility view of a course whose prerequisites' codes
// are known.
func gateOf(c Course, codes map[string]string) gate {
	g := gate{ID: c.ID, Code: c.Code, Track: c.Track, Level: c.Level, Prerequisites: map[string]string{}}
	for _, pid := range c.Prerequisites {
		g.Prerequisites[pid] = codes[pid]
	}
	return g
}

func (s *Service) codes(ctx context.Context, idb bun.IDB, courseIDs []string) (map[string]string, error) {
	cs, err := s.Store.coursesByID(ctx, idb, courseIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(cs))
	for id, c := range cs {
		out[id] = c.Code
	}
	return out, nil
}

var fitRank = map[string]int{FitNextLevel: 0, FitSameLevel: 1, FitNewTrack: 2, FitOther: 3}

// Recommendations ranks the open cohorts the trainee may enrol in now: the
// cohort is in its window and not cancelled, its course is published, the
// trainee is eligible and holds no active enrolment in the course. Best fit
// first: the next level in a track they are active in, then their level,
// then a first course in a new track, then the rest; among equals, the
// window that closes soonest. At most limit items, their reasons in l.
func (s *Service) Recommendations(ctx context.Context, actor auth.Actor, limit int, l msg.Lang) (List[Recommendation], error) {
	now := s.Now()
	st, err := s.standing(ctx, s.DB, actor.ID)
	if err != nil {
		return List[Recommendation]{}, err
	}
	active, err := s.Store.enrolledCourses(ctx, s.DB, actor.ID, "enrolled", "waitlisted")
	if err != nil {
		return List[Recommendation]{}, err
	}
	busy := map[string]bool{}
	for _, id := range active {
		busy[id] = true
	}
	chs, err := s.Store.openCohorts(ctx, s.DB, now)
	if err != nil {
		return List[Recommendation]{}, err
	}
	var courseIDs []string
	for _, ch := range chs {
		courseIDs = append(courseIDs, ch.CourseID)
	}
	courses, err := s.coursesWithPrerequisites(ctx, dedupe(courseIDs))
	if err != nil {
		return List[Recommendation]{}, err
	}
	var prereqIDs []string
	for _, c := range courses {
		prereqIDs = append(prereqIDs, c.Prerequisites...)
	}
	codes, err := s.codes(ctx, s.DB, dedupe(prereqIDs))
	if err != nil {
		return List[Recommendation]{}, err
	}
	out := []Recommendation{}
	for _, ch := range chs {
		c := courses[ch.CourseID]
		if busy[c.ID] || eligible(gateOf(c, codes), st) != nil {
			continue
		}
		ch.derive(now)
		out = append(out, recommend(ch, c, st, codes, l))
	}
	sort.SliceStable(out, func(i, j int) bool { return fitRank[out[i].Fit] < fitRank[out[j].Fit] })
	if len(out) > limit {
		out = out[:limit]
	}
	return List[Recommendation]{Items: out}, nil
}

func (s *Service) coursesWithPrerequisites(ctx context.Context, courseIDs []string) (map[string]Course, error) {
	byID, err := s.Store.coursesByID(ctx, s.DB, courseIDs)
	if err != nil {
		return nil, err
	}
	cs := make([]Course, 0, len(byID))
	for _, c := range byID {
		cs = append(cs, c)
	}
	if err := s.Store.attach(ctx, s.DB, cs); err != nil {
		return nil, err
	}
	for _, c := range cs {
		byID[c.ID] = c
	}
	return byID, nil
}

// recommend says how well an eligible cohort fits and why, in l.
func recommend(ch Cohort, c Course, st standing, codes map[string]string, l msg.Lang) Recommendation {
	r := Recommendation{Cohort: ch, Reasons: []string{}}
	have := st.levels[c.Track]
	switch {
	case have > 0 && c.Level == have+1:
		r.Fit = FitNextLevel
		r.Reasons = append(r.Reasons, msg.Text(l, msg.ReasonNextLevel, "track", c.Track, "level", have))
	case have > 0 && c.Level == have:
		r.Fit = FitSameLevel
		r.Reasons = append(r.Reasons, msg.Text(l, msg.ReasonSameLevel, "track", c.Track, "level", have))
	case have == 0:
		r.Fit = FitNewTrack
		r.Reasons = append(r.Reasons, msg.Text(l, msg.ReasonNewTrack, "track", c.Track))
	default:
		r.Fit = FitOther
		r.Reasons = append(r.Reasons, msg.Text(l, msg.ReasonRefresher, "level", have, "track", c.Track))
	}
	var done []string
	for _, pid := range c.Prerequisites {
		done = append(done, codes[pid])
	}
	sort.Strings(done)
	for _, code := range done {
		r.Reasons = append(r.Reasons, msg.Text(l, msg.ReasonPrerequisite, "course", code))
	}
	if ch.SeatsLeft > 0 {
		r.Reasons = append(r.Reasons, msg.Text(l, msg.ReasonSeatsLeft, "left", ch.SeatsLeft, "capacity", ch.Capacity, "at", ch.EnrolClosesAt))
	} else {
		r.Reasons = append(r.Reasons, msg.Text(l, msg.ReasonWaitlist, "waiting", ch.WaitlistLength))
	}
	return r
}
