package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/reports"
)

func (h *Handlers) cohortReport(c *fiber.Ctx) error {
	out, err := h.Reports.Cohort(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(out)
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
		return sendTable(c, h.Log, h.WriteTimeout, format, programmeTable(), allAtOnce(rep.Rows))
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
