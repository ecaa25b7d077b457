package httpapi

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/outcomes"
)

type employmentRequest struct {
	Employer  string `json:"employer" validate:"required,notblank,max=200"`
	StartedOn string `json:"started_on" validate:"required,date"`
	Insured   *bool  `json:"insured" validate:"required"`
}

type surveyRequest struct {
	Rating  int     `json:"rating" validate:"required,min=1,max=5"`
	Comment *string `json:"comment" validate:"omitnil,max=2000"`
}

func (h *Handlers) reportEmployment(c *fiber.Ctx) error {
	var in employmentRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	e, err := h.Outcomes.ReportEmployment(c.UserContext(), actor(c), outcomes.NewEmployment{
		Employer: in.Employer, StartedOn: in.StartedOn, Insured: *in.Insured,
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(e)
}

func (h *Handlers) rateEnrolment(c *fiber.Ctx) error {
	var in surveyRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	s, err := h.Outcomes.Rate(c.UserContext(), actor(c), c.Params("id"), in.Rating, in.Comment)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(s)
}

// outcomesQuery reads the outcomes report's parameters.
func outcomesQuery(c *fiber.Ctx) (from, to string, by outcomes.Grouping, err error) {
	b, err := oneOf(c, "by", string(outcomes.ByCohort), string(outcomes.ByTrackLevel))
	return c.Query("from"), c.Query("to"), outcomes.Grouping(b), err
}

func (h *Handlers) outcomesReport(c *fiber.Ctx) error {
	from, to, by, err := outcomesQuery(c)
	if err != nil {
		return err
	}
	rep, err := h.Outcomes.Outcomes(c.UserContext(), from, to, by)
	if err != nil {
		return err
	}
	return c.JSON(rep)
}

// exportOutcomesReport downloads the outcomes report's rows.
func (h *Handlers) exportOutcomesReport(format fileFormat) fiber.Handler {
	return func(c *fiber.Ctx) error {
		from, to, by, err := outcomesQuery(c)
		if err != nil {
			return err
		}
		rep, err := h.Outcomes.Outcomes(c.UserContext(), from, to, by)
		if err != nil {
			return err
		}
		return sendTable(c, h.Log, h.WriteTimeout, format, outcomesTable(rep.By), allAtOnce(rep.Rows))
	}
}

// outcomesTable is the outcomes report's download: the JSON rows' fields
// in their order (the cohort's only when grouped by cohort); a null figure
// is an empty cell, and the last two columns name the suppressed and the
// not yet measurable figures, separated by spaces.
func outcomesTable(by outcomes.Grouping) table[outcomes.Row] {
	var cols []column[outcomes.Row]
	if by == outcomes.ByCohort {
		cols = append(cols,
			optTextCol("cohort_id", func(r outcomes.Row) *string { return r.CohortID }),
			optTextCol("course_code", func(r outcomes.Row) *string { return r.CourseCode }),
			optTextCol("cohort_label", func(r outcomes.Row) *string { return r.CohortLabel }),
			dateCol("ends_on", func(r outcomes.Row) string { return deref(r.EndsOn) }),
		)
	}
	count := func(get func(outcomes.Row) *int) func(outcomes.Row) (int, bool) {
		return func(r outcomes.Row) (int, bool) {
			if n := get(r); n != nil {
				return *n, true
			}
			return 0, false
		}
	}
	cols = append(cols,
		textCol("track", func(r outcomes.Row) string { return r.Track }),
		intCol("level", func(r outcomes.Row) int { return r.Level }),
		optIntCol("completers", count(func(r outcomes.Row) *int { return r.Completers })),
		optIntCol("employed_3m", count(func(r outcomes.Row) *int { return r.Employed3 })),
		optIntCol("employed_6m", count(func(r outcomes.Row) *int { return r.Employed6 })),
		optIntCol("insured_6m", count(func(r outcomes.Row) *int { return r.Insured6 })),
		numberCol("employed_3m_rate", func(r outcomes.Row) *float64 { return r.Employed3Rate }),
		numberCol("employed_6m_rate", func(r outcomes.Row) *float64 { return r.Employed6Rate }),
		numberCol("insured_6m_rate", func(r outcomes.Row) *float64 { return r.Insured6Rate }),
		optIntCol("responses", count(func(r outcomes.Row) *int { return r.Responses })),
		numberCol("satisfaction", func(r outcomes.Row) *float64 { return r.Satisfaction }),
		textCol("suppressed", func(r outcomes.Row) string { return joinWords(r.Suppressed) }),
		textCol("not_yet_measurable", func(r outcomes.Row) string { return joinWords(r.NotYetMeasurable) }),
	)
	return table[outcomes.Row]{name: "outcomes-report", columns: cols}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func joinWords(ws []string) string { return strings.Join(ws, " ") }
