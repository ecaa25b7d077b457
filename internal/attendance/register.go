package attendance

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/results"
)

// recordState is what the audit trail keeps of a record.
type recordState struct {
	SessionID string `json:"session_id"`
	Status    string `json:"status"`
	Note      string `json:"note"`
	Source    string `json:"source"`
}

// PutAttendance records a session's register: the whole batch or none of
// it, every bad row named at once. It is kept by the cohort's instructor or
// an admin, from the session's start until the trainee's results are
// recorded. A record changed is audited with before and after; one sent
// again as it stands changes nothing.
func (s *Service) PutAttendance(ctx context.Context, actor auth.Actor, sessionID string, entries []Entry) (Register, error) {
	if !ids.Valid(sessionID) {
		return Register{}, apperr.NotFound(msg.NotFoundSession)
	}
	now := s.Now().UTC()
	var out Register
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		ss, c, err := s.sessionForOverseer(ctx, tx, actor, sessionID)
		if err != nil {
			return err
		}
		if ss.Status == Cancelled {
			return apperr.Conflict("session_cancelled", msg.SessionCancelled)
		}
		if now.Before(ss.StartsAt) {
			return apperr.Conflict("session_not_started", msg.SessionNotStarted, "start", ss.StartsAt)
		}
		idsIn := make([]string, len(entries))
		for i, e := range entries {
			idsIn[i] = e.EnrolmentID
		}
		es, err := s.Store.enrolments(ctx, tx, idsIn)
		if err != nil {
			return err
		}
		var bad []apperr.FieldError
		seen := map[string]int{}
		for i, e := range entries {
			at := fmt.Sprintf("records[%d].enrolment_id", i)
			en, ok := es[e.EnrolmentID]
			j, dup := seen[e.EnrolmentID]
			switch {
			case dup:
				bad = append(bad, apperr.Field(at, msg.RecordRepeats, "index", j))
			case !ok || en.CohortID != c.ID:
				bad = append(bad, apperr.Field(at, msg.NotEnrolmentOfCohort))
			case en.Status == "completed" || en.Status == "failed":
				bad = append(bad, apperr.Field(at, msg.RegisterClosed))
			case en.Status != "enrolled":
				bad = append(bad, apperr.Field(at, msg.RecordForStatus, "status", en.Status))
			}
			if !dup {
				seen[e.EnrolmentID] = i
			}
		}
		if len(bad) > 0 {
			return apperr.Invalid(bad...)
		}
		for _, e := range entries {
			if err := s.write(ctx, tx, actor, Record{
				SessionID: ss.ID, EnrolmentID: e.EnrolmentID, Status: e.Status, Note: strings.TrimSpace(e.Note),
				Source: FromRegister, RecordedBy: actor.ID, UpdatedAt: now,
			}, now); err != nil {
				return err
			}
		}
		if err := s.settle(ctx, tx, c, now); err != nil {
			return err
		}
		out, err = s.register(ctx, tx, ss)
		return err
	})
	return out, err
}

// write puts one record, auditing it; a record that stands as it is sent
// is left alone.
func (s *Service) write(ctx context.Context, tx bun.IDB, actor auth.Actor, r Record, now time.Time) error {
	old, had, err := s.Store.record(ctx, tx, r.SessionID, r.EnrolmentID)
	if err != nil {
		return err
	}
	if had && old.Status == r.Status && old.Note == r.Note {
		return nil
	}
	if had && r.Source == FromRegister && old.Status == r.Status {
		// A note added to a check-in keeps when the trainee checked in.
		r.CheckedInAt, r.Source = old.CheckedInAt, old.Source
	}
	if err := s.Store.putRecord(ctx, tx, &r); err != nil {
		return err
	}
	change := audit.Change{
		ActorID: actor.ID, Action: "attendance.recorded", Entity: "enrolment", EntityID: r.EnrolmentID,
		After: recordState{SessionID: r.SessionID, Status: r.Status, Note: r.Note, Source: r.Source},
	}
	if had {
		change.Action = "attendance.changed"
		change.Before = recordState{SessionID: old.SessionID, Status: old.Status, Note: old.Note, Source: old.Source}
	}
	return audit.Record(ctx, tx, now, change)
}

// sessionForOverseer reads a session and locks its cohort for the cohort's
// instructor or an admin; to anyone else the session does not exist.
func (s *Service) sessionForOverseer(ctx context.Context, tx bun.IDB, actor auth.Actor, id string) (Session, cohortInfo, error) {
	ss, err := s.Store.session(ctx, tx, id)
	if err != nil {
		return ss, cohortInfo{}, err
	}
	c, err := s.Store.lockCohort(ctx, tx, ss.CohortID)
	if err != nil {
		return ss, c, err
	}
	if !actor.Oversees(c.InstructorID) {
		return ss, c, apperr.NotFound(msg.NotFoundSession)
	}
	return ss, c, nil
}

// register is a session's register with each record's credited hours.
func (s *Service) register(ctx context.Context, idb bun.IDB, ss Session) (Register, error) {
	rs, err := s.Store.sessionRecords(ctx, idb, ss.ID)
	if err != nil {
		return Register{}, err
	}
	for i := range rs {
		rs[i].CreditedHours = round(Credit(rs[i].Status, ss.Hours))
	}
	return Register{SessionID: ss.ID, CohortID: ss.CohortID, Records: rs}, nil
}

// Attendance is a trainee's attendance in their cohort, for the trainee,
// the cohort's instructor or an admin; anyone else is told the enrolment
// does not exist.
func (s *Service) Attendance(ctx context.Context, actor auth.Actor, enrolmentID string) (Attendance, error) {
	if !ids.Valid(enrolmentID) {
		return Attendance{}, apperr.NotFound(msg.NotFoundEnrolment)
	}
	e, instructorID, err := s.Store.enrolment(ctx, s.DB, enrolmentID)
	if err != nil {
		return Attendance{}, err
	}
	if !actor.Oversees(instructorID) && !(actor.Role == auth.Trainee && actor.ID == e.TraineeID) {
		return Attendance{}, apperr.NotFound(msg.NotFoundEnrolment)
	}
	c, err := s.Store.cohort(ctx, s.DB, e.CohortID)
	if err != nil {
		return Attendance{}, err
	}
	sessions, err := s.Store.sessions(ctx, s.DB, e.CohortID)
	if err != nil {
		return Attendance{}, err
	}
	rs, err := s.Store.enrolmentRecords(ctx, s.DB, enrolmentID)
	if err != nil {
		return Attendance{}, err
	}
	byID := map[string]Record{}
	statuses := map[string]string{}
	for _, r := range rs {
		byID[r.SessionID], statuses[r.SessionID] = r, r.Status
	}
	tally := Tally(sessions, statuses)
	required := results.Required(c.MinAttendance, c.Hours)
	out := Attendance{
		EnrolmentID: e.ID, CohortID: e.CohortID, TraineeID: e.TraineeID,
		AttendedHours: tally.Attended, RequiredHours: required,
		AtRisk: e.Status == "enrolled" && tally.AtRisk(required), Sessions: make([]SessionAttendance, 0, len(sessions)),
	}
	if c.Hours > 0 {
		out.AttendanceRate = round(tally.Attended / c.Hours)
	}
	for _, ss := range sessions {
		v := SessionAttendance{SessionID: ss.ID, StartsAt: ss.StartsAt, EndsAt: ss.EndsAt, Hours: ss.Hours, Topic: ss.Topic, SessionStatus: ss.Status}
		if r, ok := byID[ss.ID]; ok {
			status, note := r.Status, r.Note
			v.Status, v.Note, v.CheckedInAt = &status, &note, r.CheckedInAt
			if ss.Status == Scheduled {
				v.CreditedHours = round(Credit(r.Status, ss.Hours))
			}
		}
		out.Sessions = append(out.Sessions, v)
	}
	return out, nil
}

// RegisterHours is what the register credits each enrolment of a cohort
// with, inside the caller's transaction; has is false for a cohort with no
// scheduled session, whose results carry their own hours.
func (s *Service) RegisterHours(ctx context.Context, tx bun.IDB, cohortID string) (map[string]float64, bool, error) {
	sessions, err := s.Store.sessions(ctx, tx, cohortID)
	if err != nil {
		return nil, false, err
	}
	has := false
	for _, ss := range sessions {
		has = has || ss.Status == Scheduled
	}
	if !has {
		return nil, false, nil
	}
	records, err := s.Store.cohortRecords(ctx, tx, cohortID)
	if err != nil {
		return nil, false, err
	}
	by := map[string]map[string]string{}
	for _, r := range records {
		if by[r.EnrolmentID] == nil {
			by[r.EnrolmentID] = map[string]string{}
		}
		by[r.EnrolmentID][r.SessionID] = r.Status
	}
	out := map[string]float64{}
	for id, rs := range by {
		out[id] = Tally(sessions, rs).Attended
	}
	return out, true, nil
}
