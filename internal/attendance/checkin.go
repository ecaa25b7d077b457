package attendance

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/url"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
)

// CodeStep is how long a check-in code lives; the code of the step before
// is still accepted, so a trainee who typed it as it changed gets in.
const CodeStep = 30 * time.Second

// codeOpts are RFC 6238's defaults: HMAC-SHA-1, six digits, 30-second steps.
var codeOpts = totp.ValidateOpts{Period: uint(CodeStep / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Code is the check-in code of a session's secret at t.
func Code(secret string, t time.Time) (string, error) {
	c, err := totp.GenerateCodeCustom(secret, t, codeOpts)
	if err != nil {
		return "", fmt.Errorf("check-in code: %w", err)
	}
	return c, nil
}

// CodeValid reports whether code is the session's code at now or in the
// step before.
func CodeValid(secret, code string, now time.Time) (bool, error) {
	for _, t := range []time.Time{now, now.Add(-CodeStep)} {
		want, err := Code(secret, t)
		if err != nil {
			return false, err
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return true, nil
		}
	}
	return false, nil
}

// CheckInCode is the code the instructor shows now, while check-in is open,
// with when it stops being current and a URL for a QR code: base (the
// server's public address) followed by the check-in path with the code.
func (s *Service) CheckInCode(ctx context.Context, actor auth.Actor, sessionID, base string) (CheckInCode, error) {
	if !ids.Valid(sessionID) {
		return CheckInCode{}, apperr.NotFound(msg.NotFoundSession)
	}
	ss, err := s.Store.session(ctx, s.DB, sessionID)
	if err != nil {
		return CheckInCode{}, err
	}
	c, err := s.Store.cohort(ctx, s.DB, ss.CohortID)
	if err != nil {
		return CheckInCode{}, err
	}
	if !actor.Oversees(c.InstructorID) {
		return CheckInCode{}, apperr.NotFound(msg.NotFoundSession)
	}
	now := s.Now().UTC()
	if !CheckInOpen(ss, now) {
		return CheckInCode{}, closed(ss)
	}
	code, err := Code(ss.Secret, now)
	if err != nil {
		return CheckInCode{}, err
	}
	step := int64(CodeStep / time.Second)
	expires := time.Unix((now.Unix()/step+1)*step, 0).UTC()
	u := base + "/v1/sessions/" + url.PathEscape(ss.ID) + "/check-in?" + url.Values{"code": {code}}.Encode()
	return CheckInCode{Code: code, ExpiresAt: expires, URL: u}, nil
}

func closed(ss Session) error {
	return apperr.Rule("check_in_closed", msg.CheckInClosed,
		"from", ss.StartsAt.Add(-CheckInOpensBefore), "to", ss.EndsAt)
}

// CheckIn is a trainee with a seat in the session's cohort checking in with
// the code shown in the room: present, or late more than LateAfter after
// the start. Attempts are limited per trainee. A trainee already on the
// register gets their record as it stands (created false).
func (s *Service) CheckIn(ctx context.Context, actor auth.Actor, sessionID, code string) (Record, bool, error) {
	if !ids.Valid(sessionID) {
		return Record{}, false, apperr.NotFound(msg.NotFoundSession)
	}
	now := s.Now().UTC()
	// Counted outside the transaction, so that a refused attempt counts.
	if err := s.checkIns.Hit(ctx, actor.ID, now); err != nil {
		return Record{}, false, err
	}
	var (
		out     Record
		created bool
	)
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		ss, err := s.Store.session(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		c, err := s.Store.lockCohort(ctx, tx, ss.CohortID)
		if err != nil {
			return err
		}
		if !catalogue.CohortVisible(actor, c.CourseStatus, c.InstructorID) {
			return apperr.NotFound(msg.NotFoundSession)
		}
		e, ok, err := s.Store.seatOf(ctx, tx, c.ID, actor.ID)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.Forbidden("not_in_cohort", msg.CheckInNoSeat)
		}
		old, had, err := s.Store.record(ctx, tx, ss.ID, e.ID)
		if err != nil {
			return err
		}
		if had {
			out, created = old, false
			out.CreditedHours = round(Credit(old.Status, ss.Hours))
			return nil
		}
		if !CheckInOpen(ss, now) {
			return closed(ss)
		}
		valid, err := CodeValid(ss.Secret, code, now)
		if err != nil {
			return err
		}
		if !valid {
			return apperr.Rule("check_in_code_invalid", msg.CheckInCodeInvalid)
		}
		r := Record{
			SessionID: ss.ID, EnrolmentID: e.ID, Status: CheckInStatus(ss, now), Source: FromCheckIn,
			RecordedBy: actor.ID, CheckedInAt: &now, UpdatedAt: now,
		}
		if err := s.Store.putRecord(ctx, tx, &r); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "attendance.checked_in", Entity: "enrolment", EntityID: e.ID,
			After: recordState{SessionID: ss.ID, Status: r.Status, Source: FromCheckIn},
		}); err != nil {
			return err
		}
		if err := s.settle(ctx, tx, c, now); err != nil {
			return err
		}
		if out, _, err = s.Store.record(ctx, tx, ss.ID, e.ID); err != nil {
			return err
		}
		out.CreditedHours = round(Credit(out.Status, ss.Hours))
		created = true
		return nil
	})
	if err != nil {
		return Record{}, false, err
	}
	return out, created, nil
}
