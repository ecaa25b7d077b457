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
	csvWanted, err := wantsCSV(c)
	if err != nil {
		return err
	}
	rep, err := h.Reports.Programme(c.UserContext(), c.Query("from"), c.Query("to"))
	if err != nil {
		return err
	}
	if !csvWanted {
		return c.JSON(rep)
	}
	records := make([][]string, len(rep.Rows))
	for i, r := range rep.Rows {
		records[i] = r.CSVRecord()
	}
	return sendCSV(c, "programme-report.csv", reports.CSVHeader, records)
}
