package catalogue

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/platform/page"
	"github.com/skillgrid/skillgrid/internal/platform/skills"
)

// EnrolmentHooks is how the enrolment work acts on a cohort change inside
// the catalogue's transaction. The Service cannot work without it: New
// refuses a nil one.
type EnrolmentHooks interface {
	// CapacityRaised moves the head of the waitlist into the seats a raised
	// capacity made, in arrival order.
	CapacityRaised(ctx context.Context, tx bun.IDB, actorID, cohortID string, now time.Time) error
	// CohortCancelled cancels the cohort's active enrolments.
	CohortCancelled(ctx context.Context, tx bun.IDB, actorID, cohortID string, now time.Time) error
}

// Service holds the rules of the catalogue. Make it with New.
type Service struct {
	Eligibility
	DB    *bun.DB
	Store Store
	Now   func() time.Time
	// enrolments acts on a cohort's enrolments when the cohort changes.
	enrolments EnrolmentHooks
}

// New is the catalogue's service over d with the clock now. Cancelling a
// cohort cancels its enrolments and raising its capacity seats its
// waitlist, through enrolments, in the catalogue's transaction; the
// enrolment work, which checks eligibility through an Eligibility (no
// Service needed), is made first and passed here. Every argument is
// required.
func New(d *bun.DB, now func() time.Time, enrolments EnrolmentHooks) (*Service, error) {
	if d == nil || now == nil || enrolments == nil {
		return nil, errors.New("catalogue.New: the database, the clock and the enrolment hooks are required")
	}
	return &Service{DB: d, Now: now, enrolments: enrolments}, nil
}

var (
	trackCodeRe  = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	courseCodeRe = regexp.MustCompile(`^[A-Z0-9]+(-[A-Z0-9]+)*$`)
)

// --- levels and tracks

// ListLevels lists the five fixed levels.
func (s *Service) ListLevels() List[Level] {
	return List[Level]{Items: append([]Level(nil), Levels...)}
}

// ListTracks lists every track, by code.
func (s *Service) ListTracks(ctx context.Context) (List[Track], error) {
	ts, err := s.Store.tracks(ctx, s.DB)
	if err != nil {
		return List[Track]{}, err
	}
	return List[Track]{Items: ts}, nil
}

// CheckTrackFilter refuses a filter naming a track that does not exist,
// with the codes there are, so that a misspelt track is an error instead of
// an empty list. Codes compare as stored (lower case); an empty code
// filters nothing.
func (s *Service) CheckTrackFilter(ctx context.Context, field, code string) error {
	code = strings.ToLower(strings.TrimSpace(code))
	if code == "" {
		return nil
	}
	ts, err := s.Store.tracks(ctx, s.DB)
	if err != nil {
		return err
	}
	codes := make([]string, 0, len(ts))
	for _, t := range ts {
		if t.Code == code {
			return nil
		}
		codes = append(codes, t.Code)
	}
	return apperr.Invalid(apperr.Field(field, msg.FieldOneOf, "values", strings.Join(codes, ", ")))
}

// CreateTrack adds a track. Codes are lower-case words joined by hyphens.
func (s *Service) CreateTrack(ctx context.Context, actor auth.Actor, code, name string) (Track, error) {
	code = strings.ToLower(strings.TrimSpace(code))
	if !trackCodeRe.MatchString(code) {
		return Track{}, apperr.Invalid(apperr.Field("code", msg.TrackCodeFormat))
	}
	now := s.Now().UTC()
	t := Track{Code: code, Name: strings.TrimSpace(name), CreatedAt: now}
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		if err := s.Store.insertTrack(ctx, tx, &t); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "track.created", Entity: "track", EntityID: t.Code, After: t,
		})
	})
	return t, err
}

// --- courses

// Course is one course; only admins see courses that are not published.
func (s *Service) Course(ctx context.Context, actor auth.Actor, id string) (Course, error) {
	if !ids.Valid(id) {
		return Course{}, apperr.NotFound(msg.NotFoundCourse)
	}
	c, err := s.Store.course(ctx, s.DB, id, false)
	if err != nil {
		return Course{}, err
	}
	if c.Status != Published && actor.Role != auth.Admin {
		return Course{}, apperr.NotFound(msg.NotFoundCourse)
	}
	return c, nil
}

// CourseByCode finds a course by its code, whatever its status (for the
// operator's tools).
func (s *Service) CourseByCode(ctx context.Context, code string) (Course, error) {
	return s.Store.courseByCode(ctx, s.DB, strings.ToUpper(strings.TrimSpace(code)))
}

// ListCourses is one page of the catalogue in creation order. Non-admins see
// published courses only, so a status filter other than published leaves
// them an empty list.
func (s *Service) ListCourses(ctx context.Context, actor auth.Actor, f CourseFilter, p page.Params) (page.Page[Course], error) {
	if _, err := page.Key(p.After, 1); err != nil {
		return page.Page[Course]{}, err
	}
	f.Q = strings.ToLower(strings.TrimSpace(f.Q))
	f.Skill = strings.ToLower(strings.TrimSpace(f.Skill))
	f.Track = strings.ToLower(strings.TrimSpace(f.Track))
	if err := s.CheckTrackFilter(ctx, "track", f.Track); err != nil {
		return page.Page[Course]{}, err
	}
	cs, err := s.Store.listCourses(ctx, s.DB, f, actor.Role != auth.Admin, p)
	if err != nil {
		return page.Page[Course]{}, err
	}
	return page.Build(cs, p.Limit, func(c Course) []string { return []string{c.ID} }), nil
}

// CreateCourse adds a course (a draft unless a status is given).
func (s *Service) CreateCourse(ctx context.Context, actor auth.Actor, in NewCourse) (Course, error) {
	now := s.Now().UTC()
	c := Course{
		ID: ids.New(), Code: normaliseCode(in.Code), Title: strings.TrimSpace(in.Title),
		Description: strings.TrimSpace(in.Description), Track: strings.ToLower(strings.TrimSpace(in.Track)),
		Level: in.Level, Hours: in.Hours, PassScore: DefaultPassScore, MinAttendance: DefaultMinAttendance,
		Status: in.Status, Skills: skills.Normalise(in.Skills), Prerequisites: dedupe(in.Prerequisites),
		CreatedAt: now, UpdatedAt: now,
	}
	if in.PassScore != nil {
		c.PassScore = *in.PassScore
	}
	if in.MinAttendance != nil {
		c.MinAttendance = *in.MinAttendance
	}
	if c.Status == "" {
		c.Status = Draft
	}
	c.SearchText = searchText(c)
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		if err := s.Store.lockPrerequisites(ctx, tx); err != nil {
			return err
		}
		bad, err := s.checkCourse(ctx, tx, c, true)
		if err != nil {
			return err
		}
		if len(bad) > 0 {
			return apperr.Invalid(bad...)
		}
		if err := s.Store.insertCourse(ctx, tx, &c); err != nil {
			return err
		}
		if err := s.Store.replaceSkills(ctx, tx, c.ID, c.Skills); err != nil {
			return err
		}
		if err := s.Store.replacePrerequisites(ctx, tx, c.ID, c.Prerequisites); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "course.created", Entity: "course", EntityID: c.ID, After: c,
		})
	})
	if err != nil {
		return Course{}, err
	}
	return c, nil
}

// UpdateCourse changes a course; archiving is setting its status to
// archived. Prerequisites and the level are checked against the whole graph.
func (s *Service) UpdateCourse(ctx context.Context, actor auth.Actor, id string, p CoursePatch) (Course, error) {
	if !ids.Valid(id) {
		return Course{}, apperr.NotFound(msg.NotFoundCourse)
	}
	now := s.Now().UTC()
	var out Course
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		if p.Prerequisites != nil || p.Level != nil {
			if err := s.Store.lockPrerequisites(ctx, tx); err != nil {
				return err
			}
		}
		c, err := s.Store.course(ctx, tx, id, true)
		if err != nil {
			return err
		}
		before := c
		cols := []string{"updated_at"}
		set := func(col string) { cols = append(cols, col) }
		if p.Code != nil {
			c.Code = normaliseCode(*p.Code)
			set("code")
		}
		if p.Title != nil {
			c.Title = strings.TrimSpace(*p.Title)
			set("title")
		}
		if p.Code != nil || p.Title != nil {
			c.SearchText = searchText(c)
			set("search_text")
		}
		if p.Description != nil {
			c.Description = strings.TrimSpace(*p.Description)
			set("description")
		}
		if p.Track != nil {
			c.Track = strings.ToLower(strings.TrimSpace(*p.Track))
			set("track")
		}
		if p.Level != nil {
			c.Level = *p.Level
			set("level")
		}
		if p.Hours != nil {
			c.Hours = *p.Hours
			set("hours")
		}
		if p.PassScore != nil {
			c.PassScore = *p.PassScore
			set("pass_score")
		}
		if p.MinAttendance != nil {
			c.MinAttendance = *p.MinAttendance
			set("min_attendance")
		}
		if p.Status != nil {
			c.Status = *p.Status
			set("status")
		}
		if p.Skills != nil {
			c.Skills = skills.Normalise(*p.Skills)
		}
		if p.Prerequisites != nil {
			c.Prerequisites = dedupe(*p.Prerequisites)
		}
		bad, err := s.checkCourse(ctx, tx, c, p.Prerequisites != nil)
		if err != nil {
			return err
		}
		if p.Level != nil && c.Level != before.Level {
			more, err := s.checkDependents(ctx, tx, c)
			if err != nil {
				return err
			}
			bad = append(bad, more...)
		}
		if len(bad) > 0 {
			return apperr.Invalid(bad...)
		}
		c.UpdatedAt = now
		if err := s.Store.updateCourse(ctx, tx, &c, cols...); err != nil {
			return err
		}
		if p.Skills != nil {
			if err := s.Store.replaceSkills(ctx, tx, c.ID, c.Skills); err != nil {
				return err
			}
		}
		if p.Prerequisites != nil {
			if err := s.Store.replacePrerequisites(ctx, tx, c.ID, c.Prerequisites); err != nil {
				return err
			}
		}
		out = c
		return audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "course.updated", Entity: "course", EntityID: c.ID, Before: before, After: c,
		})
	})
	if err != nil {
		return Course{}, err
	}
	return out, nil
}

// checkCourse finds what is wrong with c beyond the types and ranges the
// API's edge checks: the code's form, the track, and, when prereqsGiven,
// each prerequisite (it exists, is not above c's level, closes no cycle).
// When the prerequisites were not given, a level below an existing
// prerequisite's is blamed on the level.
func (s *Service) checkCourse(ctx context.Context, idb bun.IDB, c Course, prereqsGiven bool) ([]apperr.FieldError, error) {
	var bad []apperr.FieldError
	if len(c.Code) > 32 || !courseCodeRe.MatchString(c.Code) {
		bad = append(bad, apperr.Field("code", msg.CourseCodeFormat))
	}
	if ok, err := s.Store.trackExists(ctx, idb, c.Track); err != nil {
		return nil, err
	} else if !ok {
		bad = append(bad, apperr.Field("track", msg.UnknownTrack, "track", c.Track))
	}
	prereqs, err := s.Store.coursesByID(ctx, idb, validIDs(c.Prerequisites))
	if err != nil {
		return nil, err
	}
	for i, pid := range c.Prerequisites {
		field := fmt.Sprintf("prerequisites[%d]", i)
		pc, ok := prereqs[pid]
		switch {
		case pid == c.ID:
			bad = append(bad, apperr.Field(field, msg.OwnPrerequisite))
		case !ok:
			bad = append(bad, apperr.Field(field, msg.NoSuchCourse))
		case pc.Level > c.Level && prereqsGiven:
			bad = append(bad, apperr.Field(field, msg.PrerequisiteAbove, "course", pc.Code, "level", pc.Level, "own", c.Level))
		case pc.Level > c.Level:
			bad = append(bad, apperr.Field("level", msg.LevelBelowPrerequisite, "level", pc.Level, "course", pc.Code))
		}
	}
	if len(bad) > 0 || !prereqsGiven || len(c.Prerequisites) == 0 {
		return bad, nil
	}
	// A cycle: c is reachable from one of its new prerequisites.
	for i, pid := range c.Prerequisites {
		reaches, err := s.reaches(ctx, idb, pid, c.ID)
		if err != nil {
			return nil, err
		}
		if reaches {
			bad = append(bad, apperr.Field(fmt.Sprintf("prerequisites[%d]", i),
				msg.PrerequisiteCycle, "prerequisite", prereqs[pid].Code, "course", c.Code))
		}
	}
	return bad, nil
}

// reaches reports whether target is among the prerequisites of from,
// followed transitively.
func (s *Service) reaches(ctx context.Context, idb bun.IDB, from, target string) (bool, error) {
	seen := map[string]bool{from: true}
	frontier := []string{from}
	for len(frontier) > 0 {
		next, err := s.Store.prerequisitesOf(ctx, idb, frontier)
		if err != nil {
			return false, err
		}
		frontier = frontier[:0]
		for _, id := range next {
			if id == target {
				return true, nil
			}
			if !seen[id] {
				seen[id] = true
				frontier = append(frontier, id)
			}
		}
	}
	return false, nil
}

// checkDependents refuses a level below that of a course c is a
// prerequisite of.
func (s *Service) checkDependents(ctx context.Context, idb bun.IDB, c Course) ([]apperr.FieldError, error) {
	deps, err := s.Store.dependents(ctx, idb, c.ID)
	if err != nil {
		return nil, err
	}
	var bad []apperr.FieldError
	for _, d := range deps {
		if d.Level < c.Level {
			bad = append(bad, apperr.Field("level", msg.LevelAboveDependent, "level", d.Level, "course", d.Code))
		}
	}
	return bad, nil
}

// --- cohorts

// CohortVisible reports whether actor may see a cohort, given its course's
// status and its instructor: everyone sees the cohorts of published
// courses; those of draft and archived courses only admins and the
// cohort's own instructor. Whatever acts on one cohort by id (reading it,
// enrolling in it) asks this, so that a cohort someone may not see answers
// 404 however they ask, rather than revealing that it exists.
func CohortVisible(actor auth.Actor, courseStatus, instructorID string) bool {
	return courseStatus == Published || actor.Role == auth.Admin || (actor.ID != "" && actor.ID == instructorID)
}

// Cohort is one cohort, to those who may see it (CohortVisible).
func (s *Service) Cohort(ctx context.Context, actor auth.Actor, id string) (Cohort, error) {
	if !ids.Valid(id) {
		return Cohort{}, apperr.NotFound(msg.NotFoundCohort)
	}
	ch, err := s.Store.cohort(ctx, s.DB, id)
	if err != nil {
		return Cohort{}, err
	}
	if !CohortVisible(actor, ch.CourseStatus, ch.InstructorID) {
		return Cohort{}, apperr.NotFound(msg.NotFoundCohort)
	}
	ch.derive(s.Now())
	return ch, nil
}

// ListCohorts is one page of cohorts by start date. Non-admins see cohorts
// of published courses only.
func (s *Service) ListCohorts(ctx context.Context, actor auth.Actor, f CohortFilter, p page.Params) (page.Page[Cohort], error) {
	return s.listCohorts(ctx, f, cohortVisibility{publishedOnly: actor.Role != auth.Admin}, p)
}

// MyCohorts is one page of the cohorts the instructor teaches, whatever
// their course's status.
func (s *Service) MyCohorts(ctx context.Context, actor auth.Actor, p page.Params) (page.Page[Cohort], error) {
	return s.listCohorts(ctx, CohortFilter{InstructorID: actor.ID}, cohortVisibility{}, p)
}

func (s *Service) listCohorts(ctx context.Context, f CohortFilter, v cohortVisibility, p page.Params) (page.Page[Cohort], error) {
	if _, err := page.Key(p.After, 2); err != nil {
		return page.Page[Cohort]{}, err
	}
	f.Track = strings.ToLower(strings.TrimSpace(f.Track))
	if err := s.CheckTrackFilter(ctx, "track", f.Track); err != nil {
		return page.Page[Cohort]{}, err
	}
	now := s.Now()
	chs, err := s.Store.listCohorts(ctx, s.DB, f, v, now, p)
	if err != nil {
		return page.Page[Cohort]{}, err
	}
	for i := range chs {
		chs[i].derive(now)
	}
	return page.Build(chs, p.Limit, func(ch Cohort) []string { return []string{ch.StartsOn, ch.ID} }), nil
}

// CreateCohort schedules a run of a course. Admins may back-fill cohorts
// with past dates; an archived course takes no new cohorts.
func (s *Service) CreateCohort(ctx context.Context, actor auth.Actor, courseID string, in NewCohort) (Cohort, error) {
	if !ids.Valid(courseID) {
		return Cohort{}, apperr.NotFound(msg.NotFoundCourse)
	}
	now := s.Now().UTC()
	ch := Cohort{
		ID: ids.New(), CourseID: courseID, Label: strings.TrimSpace(in.Label), InstructorID: in.InstructorID,
		Capacity: in.Capacity, StartsOn: in.StartsOn, EndsOn: in.EndsOn,
		EnrolOpensAt: in.EnrolOpensAt.UTC(), EnrolClosesAt: in.EnrolClosesAt.UTC(),
		Mode: in.Mode, Location: trimmed(in.Location), CreatedAt: now, UpdatedAt: now,
	}
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		c, err := s.Store.course(ctx, tx, courseID, false)
		if err != nil {
			return err
		}
		if c.Status == Archived {
			return apperr.Rule("course_archived", msg.CourseArchived, "course", c.Code)
		}
		if err := s.checkCohort(ctx, tx, ch, true); err != nil {
			return err
		}
		if err := s.Store.insertCohort(ctx, tx, &ch); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "cohort.created", Entity: "cohort", EntityID: ch.ID, After: ch,
		})
	})
	if err != nil {
		return Cohort{}, err
	}
	return s.read(ctx, ch.ID)
}

// UpdateCohort changes a cohort. Capacity may not go below the seats taken
// (409 capacity_below_seats); raising it hands the new seats to the waitlist
// through the enrolment hook, in the same transaction.
func (s *Service) UpdateCohort(ctx context.Context, actor auth.Actor, id string, p CohortPatch) (Cohort, error) {
	if !ids.Valid(id) {
		return Cohort{}, apperr.NotFound(msg.NotFoundCohort)
	}
	now := s.Now().UTC()
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		ch, err := s.Store.lockCohort(ctx, tx, id)
		if err != nil {
			return err
		}
		if ch.CancelledAt != nil {
			return apperr.Conflict("cohort_cancelled", msg.CohortCancelled)
		}
		before := ch
		cols := []string{"updated_at"}
		if p.Label != nil {
			ch.Label = strings.TrimSpace(*p.Label)
			cols = append(cols, "label")
		}
		if p.InstructorID != nil {
			ch.InstructorID = *p.InstructorID
			cols = append(cols, "instructor_id")
		}
		if p.Capacity != nil {
			if *p.Capacity < ch.SeatsTaken {
				return apperr.Conflict("capacity_below_seats", msg.CapacityBelowSeatsTaken, "capacity", *p.Capacity, "taken", ch.SeatsTaken)
			}
			ch.Capacity = *p.Capacity
			cols = append(cols, "capacity")
		}
		if p.StartsOn != nil {
			ch.StartsOn = *p.StartsOn
			cols = append(cols, "starts_on")
		}
		if p.EndsOn != nil {
			ch.EndsOn = *p.EndsOn
			cols = append(cols, "ends_on")
		}
		if p.EnrolOpensAt != nil {
			ch.EnrolOpensAt = p.EnrolOpensAt.UTC()
			cols = append(cols, "enrol_opens_at")
		}
		if p.EnrolClosesAt != nil {
			ch.EnrolClosesAt = p.EnrolClosesAt.UTC()
			cols = append(cols, "enrol_closes_at")
		}
		if p.Mode != nil {
			ch.Mode = *p.Mode
			cols = append(cols, "mode")
		}
		if p.Location != nil {
			ch.Location = trimmed(p.Location)
			cols = append(cols, "location")
		}
		if err := s.checkCohort(ctx, tx, ch, p.InstructorID != nil); err != nil {
			return err
		}
		ch.UpdatedAt = now
		if err := s.Store.updateCohort(ctx, tx, &ch, cols...); err != nil {
			return err
		}
		if ch.Capacity > before.Capacity {
			if err := s.enrolments.CapacityRaised(ctx, tx, actor.ID, ch.ID, now); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "cohort.updated", Entity: "cohort", EntityID: ch.ID, Before: before, After: ch,
		})
	})
	if err != nil {
		return Cohort{}, err
	}
	return s.read(ctx, id)
}

// CancelCohort cancels a cohort that has not finished; its active
// enrolments are cancelled through the enrolment hook in the same
// transaction.
func (s *Service) CancelCohort(ctx context.Context, actor auth.Actor, id string) (Cohort, error) {
	if !ids.Valid(id) {
		return Cohort{}, apperr.NotFound(msg.NotFoundCohort)
	}
	now := s.Now().UTC()
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		ch, err := s.Store.lockCohort(ctx, tx, id)
		if err != nil {
			return err
		}
		switch ch.StatusAt(now) {
		case Cancelled:
			return apperr.Conflict("cohort_cancelled", msg.CohortAlreadyCancelled)
		case Finished:
			return apperr.Conflict("cohort_finished", msg.CohortFinished)
		}
		before := ch
		ch.CancelledAt = &now
		ch.UpdatedAt = now
		if err := s.Store.updateCohort(ctx, tx, &ch, "cancelled_at", "updated_at"); err != nil {
			return err
		}
		if err := s.enrolments.CohortCancelled(ctx, tx, actor.ID, ch.ID, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "cohort.cancelled", Entity: "cohort", EntityID: ch.ID, Before: before, After: ch,
		})
	})
	if err != nil {
		return Cohort{}, err
	}
	return s.read(ctx, id)
}

// read is a cohort as its admin sees it after a change.
func (s *Service) read(ctx context.Context, id string) (Cohort, error) {
	ch, err := s.Store.cohort(ctx, s.DB, id)
	if err != nil {
		return Cohort{}, err
	}
	ch.derive(s.Now())
	return ch, nil
}

// checkCohort checks the label and the date rules of ch: starts_on ≤
// ends_on, the window opens before it closes, and closes by the end of
// ends_on; and, when instructorSet, the instructor (see checkInstructor).
// An instructor deactivated after being assigned does not block other
// changes to the cohort (raising its capacity, moving its dates); the
// admin reassigns the cohort when they choose.
func (s *Service) checkCohort(ctx context.Context, idb bun.IDB, ch Cohort, instructorSet bool) error {
	var bad []apperr.FieldError
	if ch.Label == "" {
		bad = append(bad, apperr.Field("label", msg.FieldNotBlank))
	}
	if instructorSet {
		why, err := s.checkInstructor(ctx, idb, ch.InstructorID)
		if err != nil {
			return err
		}
		if why != "" {
			bad = append(bad, apperr.Field("instructor_id", why))
		}
	}
	if ch.StartsOn > ch.EndsOn {
		bad = append(bad, apperr.Field("ends_on", msg.EndsBeforeStarts))
	}
	if !ch.EnrolOpensAt.Before(ch.EnrolClosesAt) {
		bad = append(bad, apperr.Field("enrol_closes_at", msg.ClosesBeforeOpens))
	} else if end, err := DayStart(ch.EndsOn); err == nil && ch.EnrolClosesAt.After(end.AddDate(0, 0, 1)) {
		bad = append(bad, apperr.Field("enrol_closes_at", msg.ClosesAfterEnd))
	}
	if len(bad) > 0 {
		return apperr.Invalid(bad...)
	}
	return nil
}

// checkInstructor says what is wrong with id as a cohort's instructor ("" if
// nothing): it must be the id of an instructor whose account is active.
func (s *Service) checkInstructor(ctx context.Context, idb bun.IDB, id string) (msg.ID, error) {
	if !ids.Valid(id) {
		return msg.NoSuchInstructor, nil
	}
	u, err := s.Store.user(ctx, idb, id)
	switch {
	case apperr.IsKind(err, apperr.KindNotFound):
		return msg.NoSuchInstructor, nil
	case err != nil:
		return "", err
	case u.Role != string(auth.Instructor):
		return msg.NotAnInstructor, nil
	case !u.Active:
		return msg.InstructorDeactivated, nil
	}
	return "", nil
}

// --- time

// Zone is the programme's time zone: cohort dates are calendar days in
// Korea (UTC+9, no daylight saving time).
var Zone = time.FixedZone("KST", 9*60*60)

// Today is the programme's calendar date at t, as YYYY-MM-DD.
func Today(t time.Time) string { return t.In(Zone).Format(time.DateOnly) }

// DayStart is the instant a programme date (YYYY-MM-DD) begins.
func DayStart(date string) (time.Time, error) {
	return time.ParseInLocation(time.DateOnly, date, Zone)
}

// StatusAt is the cohort's status at now: cancelled; finished after
// ends_on; open while the enrolment window holds (enrolment, with a seat or
// on the waitlist, is possible); in_progress from starts_on to ends_on;
// upcoming before the window opens; closed after it closed but before the
// start.
func (c Cohort) StatusAt(now time.Time) string {
	today := Today(now)
	switch {
	case c.CancelledAt != nil:
		return Cancelled
	case today > c.EndsOn:
		return Finished
	case !now.Before(c.EnrolOpensAt) && now.Before(c.EnrolClosesAt):
		return Open
	case today >= c.StartsOn:
		return InProgress
	case now.Before(c.EnrolOpensAt):
		return Upcoming
	}
	return Closed
}

// Started reports whether the cohort's first day has begun at now.
func (c Cohort) Started(now time.Time) bool { return Today(now) >= c.StartsOn }

func (c *Cohort) derive(now time.Time) {
	c.Status = c.StatusAt(now)
	c.SeatsLeft = max(c.Capacity-c.SeatsTaken, 0)
	c.EnrolOpensAt = c.EnrolOpensAt.UTC()
	c.EnrolClosesAt = c.EnrolClosesAt.UTC()
	c.CreatedAt = c.CreatedAt.UTC()
	c.UpdatedAt = c.UpdatedAt.UTC()
	if c.CancelledAt != nil {
		t := c.CancelledAt.UTC()
		c.CancelledAt = &t
	}
}

// --- helpers

func normaliseCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func searchText(c Course) string { return strings.ToLower(c.Code + " " + c.Title) }

// dedupe keeps the first of each value, in order.
func dedupe(in []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func validIDs(in []string) []string {
	out := []string{}
	for _, id := range in {
		if ids.Valid(id) {
			out = append(out, id)
		}
	}
	return out
}

func trimmed(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.TrimSpace(*s)
	if t == "" {
		return nil
	}
	return &t
}
