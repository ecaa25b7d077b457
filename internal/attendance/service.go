package attendance

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Seoul wherever the server runs

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/platform/ratelimit"
	"github.com/skillgrid/skillgrid/internal/results"
)

// Zone is the name of the programme's time zone.
const Zone = "Asia/Seoul"

// CheckInsPerWindow bounds a trainee's check-in attempts per
// CheckInWindow: a trainee who mistypes a code tries again a few times,
// while guessing one of the two live 6-digit codes needs hundreds of
// thousands of tries.
const (
	CheckInsPerWindow = 10
	CheckInWindow     = 10 * time.Minute
)

// Service holds the rules of sessions, the register, check-in and
// calendars. Make it with New.
type Service struct {
	DB    *bun.DB
	Store Store
	Now   func() time.Time
	// zone is Asia/Seoul, where patterns and calendars are laid out.
	zone *time.Location
	// checkIns limits check-in attempts per trainee.
	checkIns ratelimit.Limiter
}

// New is the attendance service over d with the clock now.
func New(d *bun.DB, now func() time.Time) (*Service, error) {
	if d == nil || now == nil {
		return nil, errors.New("attendance.New: the database and the clock are required")
	}
	zone, err := time.LoadLocation(Zone)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", Zone, err)
	}
	return &Service{
		DB: d, Now: now, zone: zone,
		checkIns: ratelimit.Limiter{DB: d, Name: "check-in", Max: CheckInsPerWindow, Window: CheckInWindow, Detail: msg.CheckInTooMany},
	}, nil
}

// Location is the programme's time zone.
func (s *Service) Location() *time.Location { return s.zone }

// Sessions lists a cohort's sessions to whoever may see the cohort.
func (s *Service) Sessions(ctx context.Context, actor auth.Actor, cohortID string) (List[Session], error) {
	if !ids.Valid(cohortID) {
		return List[Session]{}, apperr.NotFound(msg.NotFoundCohort)
	}
	c, err := s.Store.cohort(ctx, s.DB, cohortID)
	if err != nil {
		return List[Session]{}, err
	}
	if !catalogue.CohortVisible(actor, c.CourseStatus, c.InstructorID) {
		return List[Session]{}, apperr.NotFound(msg.NotFoundCohort)
	}
	ss, err := s.Store.sessions(ctx, s.DB, cohortID)
	if err != nil {
		return List[Session]{}, err
	}
	return List[Session]{Items: ss}, nil
}

// CreateSessions schedules one session or a weekly pattern of them. Every
// session lies within the cohort's dates and overlaps no other scheduled
// session of the cohort; the cohort's row lock makes two schedulers take
// turns.
func (s *Service) CreateSessions(ctx context.Context, actor auth.Actor, cohortID string, in NewSessions) (List[Session], error) {
	if !ids.Valid(cohortID) {
		return List[Session]{}, apperr.NotFound(msg.NotFoundCohort)
	}
	slots, err := s.slots(in)
	if err != nil {
		return List[Session]{}, err
	}
	now := s.Now().UTC()
	out := List[Session]{Items: make([]Session, 0, len(slots))}
	err = db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		c, err := s.Store.lockCohort(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		if c.CancelledAt != nil {
			return apperr.Conflict("cohort_cancelled", msg.CohortCancelled)
		}
		existing, err := s.Store.sessions(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		made := make([]Session, 0, len(slots))
		for _, sl := range slots {
			secret, err := newSecret()
			if err != nil {
				return err
			}
			ss := Session{
				ID: ids.New(), CohortID: cohortID, StartsAt: sl.StartsAt.UTC(), EndsAt: sl.EndsAt.UTC(),
				Topic: strings.TrimSpace(in.Topic), Location: trimmed(in.Location), Status: Scheduled,
				Secret: secret, CreatedAt: now, UpdatedAt: now,
			}
			ss.Hours = hoursOf(sl, in.Hours)
			if err := s.checkSlot(c, ss, append(existing, made...)); err != nil {
				return err
			}
			made = append(made, ss)
		}
		if err := s.Store.insertSessions(ctx, tx, made); err != nil {
			return err
		}
		for _, ss := range made {
			if err := audit.Record(ctx, tx, now, audit.Change{
				ActorID: actor.ID, Action: "session.created", Entity: "session", EntityID: ss.ID, After: ss,
			}); err != nil {
				return err
			}
		}
		if err := s.settle(ctx, tx, c, now); err != nil {
			return err
		}
		out.Items = made
		return nil
	})
	return out, err
}

// slots are the times a request asks for, checked.
func (s *Service) slots(in NewSessions) ([]Slot, error) {
	if in.Single != nil {
		if !in.Single.EndsAt.After(in.Single.StartsAt) {
			return nil, apperr.Invalid(apperr.Field("ends_at", msg.SessionEndsBeforeStart))
		}
		return []Slot{*in.Single}, nil
	}
	slots, err := Expand(*in.Weekly, s.zone)
	switch {
	case errors.Is(err, ErrEndsBefore):
		return nil, apperr.Invalid(apperr.Field("weekly.end_time", msg.SessionEndsBeforeStart))
	case errors.Is(err, ErrToBefore):
		return nil, apperr.Invalid(apperr.Field("weekly.to", msg.ToBeforeFrom))
	case errors.Is(err, ErrTooMany):
		return nil, apperr.Invalid(apperr.Field("weekly", msg.TooManySessions, "max", MaxSessions))
	case err != nil:
		return nil, apperr.Invalid(apperr.Field("weekly", msg.FieldInvalid))
	}
	if len(slots) == 0 {
		return nil, apperr.Invalid(apperr.Field("weekly", msg.NoSessionsInPattern))
	}
	return slots, nil
}

// hoursOf is the hours a session counts: as given, or its length.
func hoursOf(sl Slot, given *float64) float64 {
	if sl.Hours != nil {
		return *sl.Hours
	}
	if given != nil {
		return *given
	}
	return round(sl.EndsAt.Sub(sl.StartsAt).Hours())
}

// checkSlot checks a session against its cohort's dates and the cohort's
// other scheduled sessions.
func (s *Service) checkSlot(c cohortInfo, ss Session, others []Session) error {
	first, err := time.ParseInLocation(time.DateOnly, c.StartsOn, s.zone)
	if err != nil {
		return fmt.Errorf("cohort %s starts_on: %w", c.ID, err)
	}
	last, err := time.ParseInLocation(time.DateOnly, c.EndsOn, s.zone)
	if err != nil {
		return fmt.Errorf("cohort %s ends_on: %w", c.ID, err)
	}
	if ss.StartsAt.Before(first) || ss.EndsAt.After(last.AddDate(0, 0, 1)) {
		return apperr.Rule("session_outside_cohort", msg.SessionOutsideCohort,
			"start", ss.StartsAt, "from", c.StartsOn, "to", c.EndsOn)
	}
	if ss.Hours > round(ss.EndsAt.Sub(ss.StartsAt).Hours()) {
		return apperr.Invalid(apperr.Field("hours", msg.SessionHoursAboveLength))
	}
	for _, o := range others {
		if o.ID != ss.ID && o.Status == Scheduled && Overlaps(ss.StartsAt, ss.EndsAt, o.StartsAt, o.EndsAt) {
			return apperr.Rule("session_overlap", msg.SessionOverlap, "start", o.StartsAt, "end", o.EndsAt)
		}
	}
	return nil
}

// UpdateSession changes a scheduled session; its calendar SEQUENCE rises
// and the trainees and the instructor are told.
func (s *Service) UpdateSession(ctx context.Context, actor auth.Actor, id string, p SessionPatch) (Session, error) {
	return s.change(ctx, actor, id, "session.updated", func(c cohortInfo, ss *Session, others []Session) ([]string, error) {
		cols := []string{}
		oldLength := round(ss.EndsAt.Sub(ss.StartsAt).Hours())
		if p.StartsAt != nil {
			ss.StartsAt, cols = p.StartsAt.UTC(), append(cols, "starts_at")
		}
		if p.EndsAt != nil {
			ss.EndsAt, cols = p.EndsAt.UTC(), append(cols, "ends_at")
		}
		if !ss.EndsAt.After(ss.StartsAt) {
			return nil, apperr.Invalid(apperr.Field("ends_at", msg.SessionEndsBeforeStart))
		}
		switch {
		case p.Hours != nil:
			ss.Hours, cols = *p.Hours, append(cols, "hours")
		case p.StartsAt != nil || p.EndsAt != nil:
			// A session that counted its length counts its new length; one
			// that counted less keeps its hours if they still fit.
			length := round(ss.EndsAt.Sub(ss.StartsAt).Hours())
			if ss.Hours == oldLength || ss.Hours > length {
				ss.Hours = length
			}
			cols = append(cols, "hours")
		}
		if p.Topic != nil {
			ss.Topic, cols = strings.TrimSpace(*p.Topic), append(cols, "topic")
		}
		if p.Location != nil {
			ss.Location, cols = trimmed(p.Location), append(cols, "location")
		}
		return cols, s.checkSlot(c, *ss, others)
	})
}

// CancelSession cancels a scheduled session: it stays in the calendars as
// cancelled and counts for nobody's hours. Cancelling it again changes
// nothing.
func (s *Service) CancelSession(ctx context.Context, actor auth.Actor, id string) (Session, error) {
	return s.change(ctx, actor, id, "session.cancelled", func(_ cohortInfo, ss *Session, _ []Session) ([]string, error) {
		ss.Status = Cancelled
		return []string{"status"}, nil
	})
}

// change applies edit to a scheduled session under its cohort's lock,
// raises its sequence, audits it, records session.changed and settles the
// cohort's standings.
func (s *Service) change(ctx context.Context, actor auth.Actor, id, action string,
	edit func(c cohortInfo, ss *Session, others []Session) ([]string, error)) (Session, error) {
	if !ids.Valid(id) {
		return Session{}, apperr.NotFound(msg.NotFoundSession)
	}
	now := s.Now().UTC()
	var out Session
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		ss, err := s.Store.session(ctx, tx, id)
		if err != nil {
			return err
		}
		c, err := s.Store.lockCohort(ctx, tx, ss.CohortID)
		if err != nil {
			return err
		}
		if ss.Status == Cancelled {
			if action == "session.cancelled" {
				out = ss
				return nil
			}
			return apperr.Conflict("session_cancelled", msg.SessionCancelled)
		}
		if c.CancelledAt != nil {
			return apperr.Conflict("cohort_cancelled", msg.CohortCancelled)
		}
		others, err := s.Store.sessions(ctx, tx, ss.CohortID)
		if err != nil {
			return err
		}
		before := ss
		cols, err := edit(c, &ss, others)
		if err != nil {
			return err
		}
		ss.Sequence++
		ss.UpdatedAt = now
		if err := s.Store.updateSession(ctx, tx, &ss, append(cols, "sequence", "updated_at")...); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: action, Entity: "session", EntityID: ss.ID, Before: before, After: ss,
		}); err != nil {
			return err
		}
		seats, err := s.Store.seated(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		to := []string{c.InstructorID}
		for _, st := range seats {
			to = append(to, st.TraineeID)
		}
		if err := events.Record(ctx, tx, events.Event{
			Type: events.SessionChanged, Subject: "/v1/sessions/" + ss.ID, Recipients: to, At: now,
			Data: map[string]any{
				"session_id": ss.ID, "cohort_id": ss.CohortID, "status": ss.Status,
				"starts_at": ss.StartsAt, "ends_at": ss.EndsAt, "hours": ss.Hours, "sequence": ss.Sequence,
			},
		}); err != nil {
			return err
		}
		if err := s.settle(ctx, tx, c, now); err != nil {
			return err
		}
		out = ss
		return nil
	})
	return out, err
}

// settle recomputes the standing of every trainee seated in the cohort from
// its sessions and register, inside the caller's transaction (which holds
// the cohort's lock). A trainee who has just become unable to reach the
// minimum is told, with the instructor, by one attendance.at_risk event:
// once per enrolment, however their standing moves afterwards.
func (s *Service) settle(ctx context.Context, tx bun.IDB, c cohortInfo, now time.Time) error {
	sessions, err := s.Store.sessions(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	seats, err := s.Store.seated(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	records, err := s.Store.cohortRecords(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	stored, err := s.Store.standings(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	byEnrolment := map[string]map[string]string{}
	for _, r := range records {
		if byEnrolment[r.EnrolmentID] == nil {
			byEnrolment[r.EnrolmentID] = map[string]string{}
		}
		byEnrolment[r.EnrolmentID][r.SessionID] = r.Status
	}
	required := results.Required(c.MinAttendance, c.Hours)
	for _, e := range seats {
		tally := Tally(sessions, byEnrolment[e.ID])
		old, had := stored[e.ID]
		st := standing{EnrolmentID: e.ID, AttendedHours: tally.Attended, AtRisk: tally.AtRisk(required),
			AtRiskFlaggedAt: old.AtRiskFlaggedAt, UpdatedAt: now}
		if had && old.AttendedHours == st.AttendedHours && old.AtRisk == st.AtRisk {
			continue
		}
		if st.AtRisk && st.AtRiskFlaggedAt == nil {
			st.AtRiskFlaggedAt = &now
			if err := events.Record(ctx, tx, events.Event{
				Type: events.AttendanceAtRisk, Subject: "/v1/enrolments/" + e.ID,
				Recipients: []string{e.TraineeID, c.InstructorID}, At: now,
				Data: map[string]any{
					"enrolment_id": e.ID, "cohort_id": c.ID, "trainee_id": e.TraineeID,
					"attended_hours": tally.Attended, "open_hours": tally.Open, "required_hours": required,
				},
			}); err != nil {
				return err
			}
		}
		if err := s.Store.putStanding(ctx, tx, &st); err != nil {
			return err
		}
	}
	return nil
}

// newSecret draws a session's check-in key: 160 random bits, base32 as
// RFC 6238 keys are usually written.
func newSecret() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("draw check-in secret: %w", err)
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b), nil
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
