package outcomes

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/dates"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
)

// Service holds the rules of employment, surveys and the outcomes report.
// Make it with New.
type Service struct {
	db    *bun.DB
	store Store
	now   func() time.Time
}

// New is the outcomes service over d with the clock now; both are required.
func New(d *bun.DB, now func() time.Time) (*Service, error) {
	if d == nil || now == nil {
		return nil, errors.New("outcomes.New: the database and the clock are required")
	}
	return &Service{db: d, now: now}, nil
}

// ReportEmployment records a job the signed-in trainee started. A start
// after today (in Korea) is refused: the report counts jobs held, not
// jobs promised. Audited as employment.reported.
func (s *Service) ReportEmployment(ctx context.Context, actor auth.Actor, in NewEmployment) (Employment, error) {
	now := s.now().UTC()
	if _, ok := dates.Day(in.StartedOn); !ok {
		return Employment{}, apperr.Invalid(apperr.Field("started_on", msg.FieldDate))
	}
	if in.StartedOn > catalogue.Today(now) {
		return Employment{}, apperr.Invalid(apperr.Field("started_on", msg.EmploymentInFuture))
	}
	e := Employment{
		ID: ids.New(), TraineeID: actor.ID, Employer: strings.TrimSpace(in.Employer),
		StartedOn: in.StartedOn, Insured: in.Insured, CreatedAt: now,
	}
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		if err := s.store.insertEmployment(ctx, tx, &e); err != nil {
			return err
		}
		// The employer's name stays out of the trail: the trail outlives
		// an erasure, the employment row does not keep it.
		return audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "employment.reported", Entity: "employment", EntityID: e.ID,
			After: map[string]any{"trainee_id": e.TraineeID, "started_on": e.StartedOn, "insured": e.Insured},
		})
	})
	if err != nil {
		return Employment{}, err
	}
	return e, nil
}

// Rate records the signed-in trainee's rating (1–5, checked at the edge)
// of their own enrolment once it is completed or failed. Someone else's
// enrolment is not found; one not finished is 409 not_finished; a second
// rating is 409 already_rated. Audited as survey.created (the comment, free
// text, stays out of the trail).
func (s *Service) Rate(ctx context.Context, actor auth.Actor, enrolmentID string, rating int, comment *string) (Survey, error) {
	if !ids.Valid(enrolmentID) {
		return Survey{}, apperr.NotFound(msg.NotFoundEnrolment)
	}
	now := s.now().UTC()
	if comment != nil {
		c := strings.TrimSpace(*comment)
		comment = &c
		if c == "" {
			comment = nil
		}
	}
	sv := Survey{ID: ids.New(), EnrolmentID: enrolmentID, TraineeID: actor.ID, Rating: rating, Comment: comment, CreatedAt: now}
	err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		en, err := s.store.enrolment(ctx, tx, enrolmentID)
		if err != nil {
			return err
		}
		if en.TraineeID != actor.ID {
			return apperr.NotFound(msg.NotFoundEnrolment)
		}
		if !Rateable(en.Status) {
			return apperr.Conflict("not_finished", msg.SurveyNotFinished, "status", en.Status)
		}
		if err := s.store.insertSurvey(ctx, tx, &sv); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "survey.created", Entity: "enrolment", EntityID: enrolmentID,
			After: map[string]any{"survey_id": sv.ID, "rating": sv.Rating},
		})
	})
	if err != nil {
		return Survey{}, err
	}
	return sv, nil
}

// Rateable reports whether an enrolment of this status may be rated: its
// result is in, completed or failed.
func Rateable(status string) bool { return status == "completed" || status == "failed" }

// Outcomes is the outcomes report over the cohorts ending within [from,
// to] (YYYY-MM-DD, either may be empty), one row per cohort or per track
// and level, measured as of today in Korea. The counting is done by the
// database; Publish applies the publication rules to each group.
func (s *Service) Outcomes(ctx context.Context, from, to string, by Grouping) (Report, error) {
	var bad []apperr.FieldError
	for _, p := range []struct{ name, v string }{{"from", from}, {"to", to}} {
		if _, ok := dates.Day(p.v); p.v != "" && !ok {
			bad = append(bad, apperr.Field(p.name, msg.FieldDate))
		}
	}
	if len(bad) == 0 && from != "" && to != "" && from > to {
		bad = append(bad, apperr.Field("to", msg.ToBeforeFrom))
	}
	if len(bad) > 0 {
		return Report{}, apperr.Invalid(bad...)
	}
	if by == "" {
		by = ByCohort
	}
	today := catalogue.Today(s.now())
	counts, err := s.store.counts(ctx, s.db, from, to, by)
	if err != nil {
		return Report{}, err
	}
	r := Report{By: by, AsOf: today, Rows: make([]Row, len(counts))}
	if from != "" {
		r.From = &from
	}
	if to != "" {
		r.To = &to
	}
	for i, c := range counts {
		r.Rows[i] = Publish(c, today)
	}
	return r, nil
}
