package catalogue

import (
	"context"
	"fmt"
	"strings"

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
		NCSUnits: normaliseNCS(in.NCSUnits), CreatedAt: now, UpdatedAt: now,
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
		if p.NCSUnits != nil {
			c.NCSUnits = normaliseNCS(*p.NCSUnits)
			set("ncs_units")
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
	bad := checkNCS(c.NCSUnits)
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

func normaliseCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

func searchText(c Course) string { return strings.ToLower(c.Code + " " + c.Title) }

func validIDs(in []string) []string {
	out := []string{}
	for _, id := range in {
		if ids.Valid(id) {
			out = append(out, id)
		}
	}
	return out
}
