package httpapi

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/attendance"
	"github.com/skillgrid/skillgrid/internal/platform/dates"
)

type weeklyRequest struct {
	Weekdays  []int    `json:"weekdays" validate:"required,min=1,max=7,unique,dive,gte=1,lte=7"`
	StartTime string   `json:"start_time" validate:"required,datetime=15:04"`
	EndTime   string   `json:"end_time" validate:"required,datetime=15:04"`
	From      string   `json:"from" validate:"required,date"`
	To        string   `json:"to" validate:"required,date"`
	Skip      []string `json:"skip" validate:"max=400,dive,date"`
}

// createSessionsRequest is one session (starts_at and ends_at) or a weekly
// pattern, never both.
type createSessionsRequest struct {
	StartsAt string         `json:"starts_at" validate:"required_without=Weekly,excluded_with=Weekly,omitempty,instant"`
	EndsAt   string         `json:"ends_at" validate:"required_without=Weekly,excluded_with=Weekly,omitempty,instant"`
	Weekly   *weeklyRequest `json:"weekly" validate:"omitnil"`
	Hours    *float64       `json:"hours" validate:"omitnil,gt=0,lte=24"`
	Topic    string         `json:"topic" validate:"max=300"`
	Location *string        `json:"location" validate:"omitnil,max=300"`
}

type updateSessionRequest struct {
	StartsAt *string  `json:"starts_at" validate:"omitnil,instant"`
	EndsAt   *string  `json:"ends_at" validate:"omitnil,instant"`
	Hours    *float64 `json:"hours" validate:"omitnil,gt=0,lte=24"`
	Topic    *string  `json:"topic" validate:"omitnil,max=300"`
	Location *string  `json:"location" validate:"omitnil,max=300"`
}

type attendanceRequest struct {
	Records []attendanceRow `json:"records" validate:"required,min=1,max=1000,dive"`
}

type attendanceRow struct {
	EnrolmentID string `json:"enrolment_id" validate:"required,max=64"`
	Status      string `json:"status" validate:"required,oneof=present late left_early absent excused"`
	Note        string `json:"note" validate:"max=1000"`
}

type checkInRequest struct {
	Code string `json:"code" validate:"required,max=32"`
}

func (h *Handlers) createSessions(c *fiber.Ctx) error {
	var in createSessionsRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	ns := attendance.NewSessions{Hours: in.Hours, Topic: in.Topic, Location: in.Location}
	if in.Weekly != nil {
		w := in.Weekly
		ns.Weekly = &attendance.Weekly{Weekdays: w.Weekdays, StartTime: w.StartTime, EndTime: w.EndTime, From: w.From, To: w.To, Skip: w.Skip}
	} else {
		start, _ := dates.Instant(in.StartsAt)
		end, _ := dates.Instant(in.EndsAt)
		ns.Single = &attendance.Slot{StartsAt: start, EndsAt: end}
	}
	out, err := h.Attendance.CreateSessions(c.UserContext(), actor(c), c.Params("id"), ns)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *Handlers) listSessions(c *fiber.Ctx) error {
	out, err := h.Attendance.Sessions(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) updateSession(c *fiber.Ctx) error {
	var in updateSessionRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	p := attendance.SessionPatch{Hours: in.Hours, Topic: in.Topic, Location: in.Location}
	p.StartsAt = instantPtr(in.StartsAt)
	p.EndsAt = instantPtr(in.EndsAt)
	out, err := h.Attendance.UpdateSession(c.UserContext(), actor(c), c.Params("id"), p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// instantPtr parses a validated optional instant.
func instantPtr(s *string) *time.Time {
	if s == nil {
		return nil
	}
	t, _ := dates.Instant(*s)
	return &t
}

func (h *Handlers) cancelSession(c *fiber.Ctx) error {
	out, err := h.Attendance.CancelSession(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) putAttendance(c *fiber.Ctx) error {
	var in attendanceRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	entries := make([]attendance.Entry, len(in.Records))
	for i, r := range in.Records {
		entries[i] = attendance.Entry{EnrolmentID: r.EnrolmentID, Status: r.Status, Note: r.Note}
	}
	out, err := h.Attendance.PutAttendance(c.UserContext(), actor(c), c.Params("id"), entries)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) checkInCode(c *fiber.Ctx) error {
	out, err := h.Attendance.CheckInCode(c.UserContext(), actor(c), c.Params("id"), c.BaseURL())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) checkIn(c *fiber.Ctx) error {
	var in checkInRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	out, created, err := h.Attendance.CheckIn(c.UserContext(), actor(c), c.Params("id"), strings.TrimSpace(in.Code))
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(out)
}

func (h *Handlers) enrolmentAttendance(c *fiber.Ctx) error {
	out, err := h.Attendance.Attendance(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// calendarContentType is RFC 5545's media type.
const calendarContentType = "text/calendar; charset=utf-8"

func (h *Handlers) cohortCalendar(c *fiber.Ctx) error {
	out, err := h.Attendance.CohortCalendar(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, calendarContentType)
	return c.SendString(out)
}

func (h *Handlers) issueCalendarFeed(c *fiber.Ctx) error {
	path, err := h.Attendance.IssueFeed(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(attendance.FeedURL{URL: c.BaseURL() + path})
}

func (h *Handlers) calendarFeed(c *fiber.Ctx) error {
	out, err := h.Attendance.Feed(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, calendarContentType)
	return c.SendString(out)
}
