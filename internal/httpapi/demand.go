package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/demand"
)

type createDemandRequest struct {
	Title       string   `json:"title" validate:"required,notblank,max=200"`
	Track       string   `json:"track" validate:"required,notblank,max=40"`
	MinLevel    *int     `json:"min_level" validate:"required,gte=1,lte=5"`
	Skills      []string `json:"skills" validate:"max=20,dive,notblank,max=60"`
	Headcount   *int     `json:"headcount" validate:"required,gte=1,lte=10000"`
	Region      string   `json:"region" validate:"max=100"`
	NeededBy    string   `json:"needed_by" validate:"required,date"`
	Description string   `json:"description" validate:"max=5000"`
}

type updateDemandRequest struct {
	Title       *string   `json:"title" validate:"omitnil,notblank,max=200"`
	Track       *string   `json:"track" validate:"omitnil,notblank,max=40"`
	MinLevel    *int      `json:"min_level" validate:"omitnil,gte=1,lte=5"`
	Skills      *[]string `json:"skills" validate:"omitnil,max=20,dive,notblank,max=60"`
	Headcount   *int      `json:"headcount" validate:"omitnil,gte=1,lte=10000"`
	Region      *string   `json:"region" validate:"omitnil,max=100"`
	NeededBy    *string   `json:"needed_by" validate:"omitnil,date"`
	Description *string   `json:"description" validate:"omitnil,max=5000"`
}

func (h *Handlers) createDemand(c *fiber.Ctx) error {
	var in createDemandRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	d, err := h.Demands.Create(c.UserContext(), actor(c), demand.NewDemand{
		Title: in.Title, Track: in.Track, MinLevel: *in.MinLevel, Skills: in.Skills, Headcount: *in.Headcount,
		Region: in.Region, NeededBy: in.NeededBy, Description: in.Description,
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(d)
}

func (h *Handlers) listDemands(c *fiber.Ctx) error {
	status, err := oneOf(c, "status", demand.Open, demand.Closed)
	if err != nil {
		return err
	}
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	out, err := h.Demands.List(c.UserContext(), actor(c), demand.Filter{Status: status}, p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) getDemand(c *fiber.Ctx) error {
	d, err := h.Demands.Get(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *Handlers) updateDemand(c *fiber.Ctx) error {
	var in updateDemandRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	d, err := h.Demands.Update(c.UserContext(), actor(c), c.Params("id"), demand.Patch{
		Title: in.Title, Track: in.Track, MinLevel: in.MinLevel, Skills: in.Skills, Headcount: in.Headcount,
		Region: in.Region, NeededBy: in.NeededBy, Description: in.Description,
	})
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *Handlers) closeDemand(c *fiber.Ctx) error {
	d, err := h.Demands.Close(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (h *Handlers) demandMatches(c *fiber.Ctx) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	out, err := h.Demands.Matches(c.UserContext(), actor(c), c.Params("id"), p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) demandReport(c *fiber.Ctx) error {
	rep, err := h.Demands.Report(c.UserContext(), c.Query("as_of"))
	if err != nil {
		return err
	}
	return c.JSON(rep)
}

// exportDemandReport downloads the gap report's rows.
func (h *Handlers) exportDemandReport(format fileFormat) fiber.Handler {
	return func(c *fiber.Ctx) error {
		rep, err := h.Demands.Report(c.UserContext(), c.Query("as_of"))
		if err != nil {
			return err
		}
		return sendTable(c, h.Log, h.WriteTimeout, format, demandReportTable(), allAtOnce(rep.Rows))
	}
}

// demandReportTable is the gap report's download: the JSON rows' fields,
// in their order, one row per track and level.
func demandReportTable() table[demand.GapRow] {
	type r = demand.GapRow
	return table[r]{name: "demand-report", columns: []column[r]{
		textCol("track", func(x r) string { return x.Track }),
		intCol("level", func(x r) int { return x.Level }),
		intCol("demands", func(x r) int { return x.Demands }),
		dateCol("needed_by", func(x r) string { return x.NeededBy }),
		intCol("open_headcount", func(x r) int { return x.OpenHeadcount }),
		intCol("matching_graduates", func(x r) int { return x.MatchingGraduates }),
		intCol("due_to_complete", func(x r) int { return x.DueToComplete }),
		intCol("gap", func(x r) int { return x.Gap }),
		numberCol("completion_rate", func(x r) *float64 { return x.CompletionRate }),
		intCol("seats_needed", func(x r) int { return x.SeatsNeeded }),
	}}
}
