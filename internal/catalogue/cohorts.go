package catalogue

import (
	"context"
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
)

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
		if p.StartsOn != nil || p.EndsOn != nil {
			if err := s.checkSessionsWithin(ctx, tx, ch); err != nil {
				return err
			}
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

// checkSessionsWithin refuses new dates that would leave a scheduled
// session of the cohort outside them: sessions lie within their cohort's
// dates, whichever side moves.
func (s *Service) checkSessionsWithin(ctx context.Context, idb bun.IDB, ch Cohort) error {
	first, last, ok, err := s.Store.sessionSpan(ctx, idb, ch.ID)
	if err != nil || !ok {
		return err
	}
	from, err := DayStart(ch.StartsOn)
	if err != nil {
		return err
	}
	to, err := DayStart(ch.EndsOn)
	if err != nil {
		return err
	}
	if first.Before(from) || last.After(to.AddDate(0, 0, 1)) {
		return apperr.Conflict("sessions_outside_dates", msg.SessionsOutsideDates, "first", first, "last", last)
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
