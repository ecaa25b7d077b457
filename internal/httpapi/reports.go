package httpapi

import (
	"sort"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/dates"
	"github.com/skillgrid/skillgrid/internal/reports"
)

func (h *Handlers) cohortReport(c *fiber.Ctx) error {
	out, err := h.Reports.Cohort(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) auditEvents(c *fiber.Ctx) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	f := audit.Filter{
		Entity: c.Query("entity"), EntityID: c.Query("entity_id"),
		ActorID: c.Query("actor"), Action: c.Query("action"),
	}
	var bad []apperr.FieldError
	for name, dst := range map[string]**time.Time{"from": &f.From, "to": &f.To} {
		if !readInstant(c.Query(name), dst) {
			bad = append(bad, apperr.Field(name, msg.FieldInstantOrDate))
		}
	}
	if len(bad) > 0 {
		sort.Slice(bad, func(i, j int) bool { return bad[i].Field < bad[j].Field })
		return apperr.Invalid(bad...)
	}
	out, err := h.Audit.List(c.UserContext(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// readInstant sets *dst from an optional RFC 3339 timestamp or date (its
// start, UTC); it reports false for a value that is neither.
func readInstant(v string, dst **time.Time) bool {
	v = strings.TrimSpace(v)
	if v == "" {
		return true
	}
	t, ok := dates.Instant(v)
	if !ok {
		t, ok = dates.Day(v)
	}
	if ok {
		*dst = &t
	}
	return ok
}

func (h *Handlers) programmeReport(c *fiber.Ctx) error {
	rep, err := h.Reports.Programme(c.UserContext(), c.Query("from"), c.Query("to"))
	if err != nil {
		return err
	}
	return c.JSON(rep)
}

// exportProgrammeReport downloads the programme report's rows.
func (h *Handlers) exportProgrammeReport(format fileFormat) fiber.Handler {
	return func(c *fiber.Ctx) error {
		rep, err := h.Reports.Programme(c.UserContext(), c.Query("from"), c.Query("to"))
		if err != nil {
			return err
		}
		return sendTable(c, h.Log, format, programmeTable(), allAtOnce(rep.Rows))
	}
}

// programmeTable is the programme report's download: the JSON rows'
// fields, in their order, one row per track and level.
func programmeTable() table[reports.ProgrammeRow] {
	return table[reports.ProgrammeRow]{name: "programme-report", columns: []column[reports.ProgrammeRow]{
		textCol("track", func(r reports.ProgrammeRow) string { return r.Track }),
		intCol("level", func(r reports.ProgrammeRow) int { return r.Level }),
		intCol("courses", func(r reports.ProgrammeRow) int { return r.Courses }),
		intCol("cohorts", func(r reports.ProgrammeRow) int { return r.Cohorts }),
		intCol("seats", func(r reports.ProgrammeRow) int { return r.Seats }),
		intCol("enrolled", func(r reports.ProgrammeRow) int { return r.Enrolled }),
		intCol("waitlisted", func(r reports.ProgrammeRow) int { return r.Waitlisted }),
		intCol("in_progress", func(r reports.ProgrammeRow) int { return r.InProgress }),
		intCol("completed", func(r reports.ProgrammeRow) int { return r.Completed }),
		intCol("failed", func(r reports.ProgrammeRow) int { return r.Failed }),
		numberCol("completion_rate", func(r reports.ProgrammeRow) *float64 { return r.CompletionRate }),
		intCol("graduates", func(r reports.ProgrammeRow) int { return r.Graduates }),
		intCol("graduates_in_pool", func(r reports.ProgrammeRow) int { return r.GraduatesInPool }),
		intCol("contact_requests", func(r reports.ProgrammeRow) int { return r.ContactRequests }),
		intCol("hires", func(r reports.ProgrammeRow) int { return r.Hires }),
		intCol("hired_graduates", func(r reports.ProgrammeRow) int { return r.HiredGraduates }),
		numberCol("hire_rate", func(r reports.ProgrammeRow) *float64 { return &r.HireRate }),
	}}
}
