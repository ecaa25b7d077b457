package attendance

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"

	ics "github.com/arran4/golang-ical"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
)

// UIDDomain makes session UIDs globally unique (RFC 5545 3.8.4.7).
const UIDDomain = "sessions.skillgrid.kr"

// localTime is RFC 5545's DATE-TIME form for a time with a TZID.
const localTime = "20060102T150405"

// CohortCalendar is a cohort's sessions as an iCalendar file, for anyone
// who may see the cohort (everyone, for a published course).
func (s *Service) CohortCalendar(ctx context.Context, actor auth.Actor, cohortID string) (string, error) {
	if !ids.Valid(cohortID) {
		return "", apperr.NotFound(msg.NotFoundCohort)
	}
	c, err := s.Store.cohort(ctx, s.DB, cohortID)
	if err != nil {
		return "", err
	}
	if !catalogue.CohortVisible(actor, c.CourseStatus, c.InstructorID) {
		return "", apperr.NotFound(msg.NotFoundCohort)
	}
	ss, err := s.Store.cohortCalendar(ctx, s.DB, cohortID)
	if err != nil {
		return "", err
	}
	return s.calendar(c.CourseCode+" "+c.Label, ss), nil
}

// IssueFeed makes the user a new secret calendar feed and returns its path;
// the feed issued before stops working. Only the token's hash is kept.
func (s *Service) IssueFeed(ctx context.Context, actor auth.Actor) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("draw feed token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	if err := s.Store.putFeed(ctx, s.DB, actor.ID, feedHash(token), s.Now().UTC()); err != nil {
		return "", err
	}
	return "/v1/calendar/" + token + ".ics", nil
}

// Feed is the calendar behind a feed token: the sessions of every cohort
// its owner holds a seat in or teaches. An unknown or replaced token does
// not exist.
func (s *Service) Feed(ctx context.Context, token string) (string, error) {
	if token == "" || len(token) > 100 {
		return "", apperr.NotFound(msg.NotFoundCalendar)
	}
	userID, err := s.Store.feedOwner(ctx, s.DB, feedHash(token))
	if err != nil {
		return "", err
	}
	ss, err := s.Store.userCalendar(ctx, s.DB, userID)
	if err != nil {
		return "", err
	}
	return s.calendar("SkillGrid", ss), nil
}

func feedHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// calendar writes sessions as RFC 5545: one VEVENT per session, with a UID
// that never changes, SEQUENCE counting its changes, STATUS:CANCELLED once
// cancelled, and times in Asia/Seoul described by a VTIMEZONE.
func (s *Service) calendar(name string, ss []calendarSession) string {
	// No METHOD: this is a calendar to subscribe to, not a scheduling
	// message, so each DTSTAMP is its event's last change (RFC 5545
	// 3.8.7.2) and the file stays the same until a session changes.
	cal := ics.NewCalendarFor("SkillGrid")
	cal.SetProductId("-//SkillGrid//Sessions//EN")
	cal.SetCalscale("GREGORIAN")
	cal.SetName(name)
	cal.SetXWRCalName(name)
	cal.SetXWRTimezone(Zone)
	tz := cal.AddTimezone(Zone)
	std := tz.AddStandard()
	// Korea has kept UTC+9 without daylight saving time since 1988.
	std.AddProperty(ics.ComponentProperty(ics.PropertyDtstart), "19700101T000000")
	std.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), "+0900")
	std.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), "+0900")
	std.AddProperty(ics.ComponentProperty(ics.PropertyTzname), "KST")
	for _, x := range ss {
		e := cal.AddEvent(x.ID + "@" + UIDDomain)
		e.SetDtStampTime(x.UpdatedAt.UTC())
		e.SetCreatedTime(x.CreatedAt.UTC())
		e.SetModifiedAt(x.UpdatedAt.UTC())
		e.SetSequence(x.Sequence)
		e.SetProperty(ics.ComponentPropertyDtStart, x.StartsAt.In(s.zone).Format(localTime), ics.WithTZID(Zone))
		e.SetProperty(ics.ComponentPropertyDtEnd, x.EndsAt.In(s.zone).Format(localTime), ics.WithTZID(Zone))
		summary := x.CourseCode + " " + x.CourseTitle
		if t := strings.TrimSpace(x.Topic); t != "" {
			summary += ": " + t
		}
		e.SetSummary(summary)
		e.SetDescription(fmt.Sprintf("%s · %s · %g h", x.CourseTitle, x.CohortLabel, x.Hours))
		if loc := x.Location; loc != nil {
			e.SetLocation(*loc)
		} else if x.CohortLocation != nil {
			e.SetLocation(*x.CohortLocation)
		}
		if x.Status == Cancelled {
			e.SetStatus(ics.ObjectStatusCancelled)
		} else {
			e.SetStatus(ics.ObjectStatusConfirmed)
		}
	}
	return cal.Serialize()
}
