package enrolment

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/fresh"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/platform/page"
)

// Eligibility decides whether a trainee may take a course now, reading
// what it needs on its own; the catalogue provides it
// (catalogue.EligibilityChecks), and recommendations use the same rule.
type Eligibility interface {
	CheckEligible(ctx context.Context, traineeID, courseID string) error
}

// Service holds the rules of enrolment.
type Service struct {
	DB *bun.DB
	// Reads serves the checks an enrolment reads before it is queued; it
	// may be DB, or what db.OpenReads opens beside it: on SQLite read-only
	// connections, so that the checks do not wait behind a batch's
	// commit; on PostgreSQL the pool of the hot path, where the batches
	// write too.
	Reads       *bun.DB
	Store       Store
	Eligibility Eligibility
	Now         func() time.Time

	batches *batcher                             // places new enrolments, a cohort's batch at a time
	checks  *fresh.Batch[cohortKey, cohortSeats] // the cohort reads of the enrolments in flight
}

// NewService is the enrolment service on d, reading its checks from reads
// (d, or read-only connections beside it); the metrics of its batches of
// enrolments are registered with reg (none when reg is nil).
func NewService(d, reads *bun.DB, eligibility Eligibility, now func() time.Time, reg prometheus.Registerer) *Service {
	// The batches write where the hot path's statements go (on
	// PostgreSQL, a pool that plans them as look-ups however full the
	// tables got: db.OpenReads).
	s := &Service{DB: d, Reads: reads, Eligibility: eligibility, Now: now, batches: newBatcher(db.KeyedWrites(d, reads), Store{}, reg)}
	// The checks of the enrolments in flight are read together where that
	// is cheaper (db.ReadTogether); each gets a read that began after it
	// asked, as fresh as its own, and what can change under it is checked
	// again under the cohort's lock anyway (placeBatch).
	s.checks = db.ReadTogether(reads, s.Store.cohortsFor)
	return s
}

// maxRechecks bounds how often Enrol checks again an enrolment whose
// cohort or course changed under it.
const maxRechecks = 5

// Enrol puts a trainee in a cohort: a seat if one is free, else the end of
// the waitlist. Admins enrol a trainee by id; trainees enrol themselves.
// created is false when the trainee already held an active enrolment there,
// which is returned as it is, so that a retry is safe.
func (s *Service) Enrol(ctx context.Context, actor auth.Actor, cohortID, traineeID string) (Enrolment, bool, error) {
	switch actor.Role {
	case auth.Trainee:
		if traineeID != "" && traineeID != actor.ID {
			return Enrolment{}, false, apperr.Forbidden("role_not_allowed", msg.TraineesEnrolThemselves)
		}
		traineeID = actor.ID
	case auth.Admin:
		if traineeID == "" {
			return Enrolment{}, false, apperr.Invalid(apperr.Field("trainee_id", msg.TraineeIDRequired))
		}
	default:
		return Enrolment{}, false, apperr.Forbidden("role_not_allowed", msg.RoleMayNotEnrol)
	}
	if !ids.Valid(cohortID) {
		return Enrolment{}, false, apperr.NotFound(msg.NotFoundCohort)
	}
	var (
		out     Enrolment
		created bool
		err     error
	)
	// The checks read outside any transaction; the write re-checks under the
	// cohort's lock what can change under them (the window, cancellation, a
	// double enrolment, and any edit of the course: archiving it, its level
	// or prerequisites), so a write transaction holds as little as possible;
	// if any changed, the checks run again. A trainee's own levels only rise
	// when results are recorded.
	for attempt := 0; ; attempt++ {
		out, created, err = s.enrolOnce(ctx, actor, cohortID, traineeID)
		if !errors.Is(err, errRecheck) {
			break
		}
		if attempt == maxRechecks {
			err = apperr.Rule("enrolment_closed", msg.EnrolmentClosedMeanwhile)
			break
		}
	}
	if errors.Is(err, ErrAlreadyEnrolled) {
		// The trainee already held an active enrolment there, or a
		// concurrent request of theirs won: answer as a retry.
		return s.heldOr(ctx, cohortID, traineeID, err)
	}
	return out, created, err
}

// heldOr answers a refused enrolment with the trainee's active enrolment
// in the cohort when they hold one, as enrolling again is a safe retry
// whatever changed since they enrolled (the window closed, the course was
// edited); else the refusal.
func (s *Service) heldOr(ctx context.Context, cohortID, traineeID string, refusal error) (Enrolment, bool, error) {
	id, ok, err := s.Store.activeID(ctx, s.DB, cohortID, traineeID)
	if err != nil {
		return Enrolment{}, false, err
	}
	if !ok {
		return Enrolment{}, false, refusal
	}
	e, err := s.Store.get(ctx, s.DB, id)
	return e, false, err
}

// enrolOnce checks and writes one enrolment. A new one is answered from
// what the checks read and the write returned (its place in line when it
// joined the waitlist).
func (s *Service) enrolOnce(ctx context.Context, actor auth.Actor, cohortID, traineeID string) (Enrolment, bool, error) {
	now := s.Now()
	c, found, err := s.checks.Get(ctx, cohortKey{CohortID: cohortID, TraineeID: traineeID})
	if err != nil {
		return Enrolment{}, false, fmt.Errorf("read cohort %s: %w", cohortID, err)
	}
	if !found {
		return Enrolment{}, false, apperr.NotFound(msg.NotFoundCohort)
	}
	if !catalogue.CohortVisible(actor, c.CourseStatus, c.InstructorID) {
		// The cohort of a course the trainee may not see does not exist
		// for them, here as on GET /v1/cohorts/{id}; an admin, who sees
		// it, is told below that enrolment is closed.
		return Enrolment{}, false, apperr.NotFound(msg.NotFoundCohort)
	}
	if actor.Role == auth.Admin {
		if err := s.requireTrainee(ctx, traineeID); err != nil {
			return Enrolment{}, false, err
		}
	}
	// A trainee who already holds an enrolment there gets it back (Enrol)
	// from the batch, which finds it under the cohort's lock, or here
	// when a rule refuses them first.
	if err := open(c, now); err != nil {
		return s.heldOr(ctx, cohortID, traineeID, err)
	}
	if err := s.Eligibility.CheckEligible(ctx, traineeID, c.CourseID); err != nil {
		if _, refused := apperr.As(err); refused {
			return s.heldOr(ctx, cohortID, traineeID, err)
		}
		return Enrolment{}, false, err
	}
	e := Enrolment{ID: ids.New(), CohortID: cohortID, TraineeID: traineeID, CreatedAt: now, UpdatedAt: now}
	if err := s.batches.place(ctx, &e, c.CourseUpdatedAt, actor.ID, cohortNames{CourseCode: c.CourseCode, CohortLabel: c.Label}); err != nil {
		return Enrolment{}, false, err
	}
	e.CourseID, e.CourseCode, e.CourseTitle = c.CourseID, c.CourseCode, c.CourseTitle
	e.CohortLabel, e.StartsOn, e.EndsOn, e.InstructorID = c.Label, c.StartsOn, c.EndsOn, c.InstructorID
	if c.TraineeName != nil {
		e.TraineeName = *c.TraineeName
	}
	return e, true, nil
}

func open(c cohortSeats, now time.Time) error {
	switch {
	case c.CancelledAt != nil:
		return apperr.Rule("enrolment_closed", msg.EnrolmentCohortCancelled)
	case c.CourseStatus != "published":
		return apperr.Rule("enrolment_closed", msg.EnrolmentNotPublished)
	case now.Before(c.EnrolOpensAt):
		return apperr.Rule("enrolment_closed", msg.EnrolmentOpensAt, "at", c.EnrolOpensAt)
	case !now.Before(c.EnrolClosesAt):
		return apperr.Rule("enrolment_closed", msg.EnrolmentClosedAt, "at", c.EnrolClosesAt)
	}
	return nil
}

// requireTrainee refuses a trainee_id that is not an active trainee's; a
// failure to read it is the database's, not the client's.
func (s *Service) requireTrainee(ctx context.Context, id string) error {
	if !ids.Valid(id) {
		return apperr.Invalid(apperr.Field("trainee_id", msg.NotATrainee))
	}
	role, err := s.Store.userRole(ctx, s.DB, id)
	switch {
	case apperr.IsKind(err, apperr.KindNotFound):
		return apperr.Invalid(apperr.Field("trainee_id", msg.NotAnActiveTrainee))
	case err != nil:
		return err
	case role != string(auth.Trainee):
		return apperr.Invalid(apperr.Field("trainee_id", msg.NotAnActiveTrainee))
	}
	return nil
}

// Withdraw gives up a seat or a place in line, until the cohort starts. A
// freed seat goes to the head of the waitlist in the same transaction.
func (s *Service) Withdraw(ctx context.Context, actor auth.Actor, id string) (Enrolment, error) {
	if !ids.Valid(id) {
		return Enrolment{}, apperr.NotFound(msg.NotFoundEnrolment)
	}
	var out Enrolment
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		now := s.Now()
		e, err := s.Store.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if actor.Role != auth.Admin && e.TraineeID != actor.ID {
			return apperr.NotFound(msg.NotFoundEnrolment)
		}
		if err := s.Store.lockCohort(ctx, tx, e.CohortID); err != nil {
			return err
		}
		if e, err = s.Store.get(ctx, tx, id); err != nil { // re-read under the lock
			return err
		}
		if !active(e.Status) {
			return apperr.Conflict("not_active", msg.EnrolmentIs, "status", e.Status)
		}
		if catalogue.Today(now) >= e.StartsOn {
			return apperr.Conflict("cohort_started", msg.CohortStartedNoWithdraw, "date", e.StartsOn)
		}
		before := state{Status: e.Status, WaitlistPosition: e.WaitlistPosition}
		if ok, err := s.Store.setStatus(ctx, tx, e.CohortID, e.ID, e.Status, Withdrawn, now); err != nil {
			return err
		} else if !ok {
			return apperr.Conflict("not_active", msg.EnrolmentChanged)
		}
		if e.Status == Enrolled {
			if err := s.Store.releaseSeats(ctx, tx, e.CohortID, 1, now); err != nil {
				return err
			}
		}
		if err := audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "enrolment.withdrawn", Entity: "enrolment", EntityID: e.ID,
			Before: before, After: state{Status: Withdrawn},
		}); err != nil {
			return err
		}
		gone := e
		gone.Status, gone.WaitlistPosition = Withdrawn, nil
		if err := events.Record(ctx, tx, enrolmentEvent(events.EnrolmentWithdrawn, &gone, cohortNames{CourseCode: e.CourseCode, CohortLabel: e.CohortLabel}, now)); err != nil {
			return err
		}
		if err := s.promote(ctx, tx, actor.ID, e.CohortID, now); err != nil {
			return err
		}
		out, err = s.Store.get(ctx, tx, id)
		return err
	})
	return out, err
}

// Backfill brings in an enrolment whose status is already decided (a
// trainee's history from before SkillGrid, a test's set-up) as made at at,
// without Enrol's checks of the window and eligibility. Under the cohort's
// lock it takes what placing an enrolment takes: a seat for a status that
// holds one (enrolled, completed, failed), which must be free, or the next
// waitlist number; and it records the audit event. A result (hours and
// score) is the results work's to record.
func (s *Service) Backfill(ctx context.Context, actorID, cohortID, traineeID, status string, at time.Time) (Enrolment, error) {
	e := Enrolment{ID: ids.New(), CohortID: cohortID, TraineeID: traineeID, CreatedAt: at, UpdatedAt: at}
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		c, err := s.Store.lockForPlacing(ctx, tx, cohortID)
		if err != nil {
			return err
		}
		pl, took, err := decideRecorded(c, status, at)
		if err != nil {
			return fmt.Errorf("backfill a %s enrolment in %s: %w", status, cohortID, err)
		}
		pl.apply(&e)
		if err := s.Store.insertPlaced(ctx, tx, cohortID, took, []*Enrolment{&e}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, at, audit.Change{
			ActorID: actorID, Action: "enrolment.backfilled", Entity: "enrolment", EntityID: e.ID,
			After: state{Status: e.Status, WaitlistPosition: e.WaitlistPosition},
		})
	})
	if err != nil {
		return Enrolment{}, err
	}
	return e, nil
}

// CapacityRaised fills the seats a raised capacity freed from the head of
// the waitlist, inside the caller's transaction, which holds the cohort's
// lock.
func (s *Service) CapacityRaised(ctx context.Context, tx bun.IDB, actorID, cohortID string, now time.Time) error {
	return s.promote(ctx, tx, actorID, cohortID, now)
}

func (s *Service) promote(ctx context.Context, tx bun.IDB, actorID, cohortID string, now time.Time) error {
	var names *cohortNames
	for {
		head, ok, err := s.Store.waitlistHead(ctx, tx, cohortID)
		if err != nil || !ok {
			return err
		}
		seated, err := s.Store.promoteSeat(ctx, tx, cohortID, now)
		if err != nil || !seated {
			return err
		}
		if ok, err := s.Store.setStatus(ctx, tx, cohortID, head.ID, Waitlisted, Enrolled, now); err != nil {
			return err
		} else if !ok {
			return fmt.Errorf("promote %s: status changed under the cohort lock", head.ID)
		}
		if err := audit.Record(ctx, tx, now, audit.Change{
			ActorID: actorID, Action: "enrolment.promoted", Entity: "enrolment", EntityID: head.ID,
			Before: state{Status: Waitlisted}, After: state{Status: Enrolled},
		}); err != nil {
			return err
		}
		if names == nil {
			n, err := s.Store.names(ctx, tx, cohortID)
			if err != nil {
				return err
			}
			names = &n
		}
		head.Status, head.WaitlistPosition = Enrolled, nil
		if err := events.Record(ctx, tx, enrolmentEvent(events.EnrolmentPromoted, &head, *names, now)); err != nil {
			return err
		}
	}
}

// CohortCancelled cancels every active enrolment of a cancelled cohort and
// frees their seats, inside the caller's transaction.
func (s *Service) CohortCancelled(ctx context.Context, tx bun.IDB, actorID, cohortID string, now time.Time) error {
	if err := s.Store.lockCohort(ctx, tx, cohortID); err != nil {
		return err
	}
	es, err := s.Store.activeIn(ctx, tx, cohortID)
	if err != nil {
		return err
	}
	seats := 0
	var names cohortNames
	if len(es) > 0 {
		if names, err = s.Store.names(ctx, tx, cohortID); err != nil {
			return err
		}
	}
	for _, e := range es {
		if _, err := s.Store.setStatus(ctx, tx, cohortID, e.ID, e.Status, Cancelled, now); err != nil {
			return err
		}
		if e.Status == Enrolled {
			seats++
		}
		if err := audit.Record(ctx, tx, now, audit.Change{
			ActorID: actorID, Action: "enrolment.cancelled", Entity: "enrolment", EntityID: e.ID,
			Before: state{Status: e.Status}, After: state{Status: Cancelled},
		}); err != nil {
			return err
		}
		e.Status = Cancelled
		if err := events.Record(ctx, tx, enrolmentEvent(events.EnrolmentCancelled, &e, names, now)); err != nil {
			return err
		}
	}
	if seats > 0 {
		return s.Store.releaseSeats(ctx, tx, cohortID, seats, now)
	}
	return nil
}

// Get shows one enrolment to its trainee, the cohort's instructor or an
// admin; to anyone else it does not exist.
func (s *Service) Get(ctx context.Context, actor auth.Actor, id string) (Enrolment, error) {
	if !ids.Valid(id) {
		return Enrolment{}, apperr.NotFound(msg.NotFoundEnrolment)
	}
	e, err := s.Store.get(ctx, s.DB, id)
	if err != nil {
		return Enrolment{}, err
	}
	if !canSee(actor, e) {
		return Enrolment{}, apperr.NotFound(msg.NotFoundEnrolment)
	}
	return e, nil
}

func canSee(a auth.Actor, e Enrolment) bool {
	switch a.Role {
	case auth.Admin:
		return true
	case auth.Trainee:
		return e.TraineeID == a.ID
	case auth.Instructor:
		return e.InstructorID == a.ID
	}
	return false
}

// Mine pages the trainee's own enrolments, newest first.
func (s *Service) Mine(ctx context.Context, actor auth.Actor, p page.Params) (page.Page[Enrolment], error) {
	if _, err := page.Key(p.After, 1); err != nil {
		return page.Page[Enrolment]{}, err
	}
	es, err := s.Store.listOfTrainee(ctx, s.DB, actor.ID, p)
	if err != nil {
		return page.Page[Enrolment]{}, err
	}
	return page.Build(es, p.Limit, func(e Enrolment) []string { return []string{e.ID} }), nil
}

// Roster pages a cohort's enrolments for its instructor or an admin; other
// instructors are told it does not exist.
func (s *Service) Roster(ctx context.Context, actor auth.Actor, cohortID, status string, p page.Params) (page.Page[Enrolment], error) {
	if _, err := page.Key(p.After, 1); err != nil {
		return page.Page[Enrolment]{}, err
	}
	if !ids.Valid(cohortID) {
		return page.Page[Enrolment]{}, apperr.NotFound(msg.NotFoundCohort)
	}
	c, err := s.Store.cohortFor(ctx, s.DB, cohortID, "")
	if err != nil {
		return page.Page[Enrolment]{}, err
	}
	if actor.Role != auth.Admin && c.InstructorID != actor.ID {
		return page.Page[Enrolment]{}, apperr.NotFound(msg.NotFoundCohort)
	}
	es, err := s.Store.roster(ctx, s.DB, cohortID, status, p)
	if err != nil {
		return page.Page[Enrolment]{}, err
	}
	return page.Build(es, p.Limit, func(e Enrolment) []string { return []string{e.ID} }), nil
}
