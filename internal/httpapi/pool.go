package httpapi

import (
	"fmt"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/pool"
)

type contactRequestRequest struct {
	Message string `json:"message" validate:"required,notblank,max=2000"`
}

type hireRequest struct {
	Position string `json:"position" validate:"required,notblank,max=200"`
	HiredOn  string `json:"hired_on" validate:"required,date"`
	DemandID string `json:"demand_id" validate:"omitempty,max=100"`
}

// graduateFilter reads the pool's search parameters. skill may repeat and
// may hold several comma-separated tags.
func graduateFilter(c *fiber.Ctx) (pool.Filter, error) {
	minLevel, err := intQuery(c, "min_level", 1, catalogue.MaxLevel)
	if err != nil {
		return pool.Filter{}, err
	}
	careerStage, err := oneOf(c, "career_stage", account.CareerStages...)
	if err != nil {
		return pool.Filter{}, err
	}
	f := pool.Filter{
		Track: c.Query("track"), MinLevel: minLevel, CompletedAfter: c.Query("completed_after"),
		Region: c.Query("region"), CareerStage: careerStage, Q: c.Query("q"),
	}
	for _, v := range c.Context().QueryArgs().PeekMulti("skill") {
		f.Skills = append(f.Skills, string(v))
	}
	var bad []apperr.FieldError
	for name, v := range map[string]string{"track": f.Track, "region": f.Region, "q": f.Q} {
		if utf8.RuneCountInString(v) > 100 {
			bad = append(bad, apperr.Field(name, msg.FieldMaxChars, "max", 100))
		}
	}
	if len(bad) > 0 {
		sort.Slice(bad, func(i, j int) bool { return bad[i].Field < bad[j].Field })
		return pool.Filter{}, apperr.Invalid(bad...)
	}
	return f, nil
}

func (h *Handlers) listGraduates(c *fiber.Ctx) error {
	f, err := graduateFilter(c)
	if err != nil {
		return err
	}
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	out, err := h.Pool.Graduates(c.UserContext(), actor(c), f, p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// exportGraduates downloads every graduate matching the pool's filters
// (not one page), one chunk of the pool at a time, so a large pool never
// sits in memory. Errors found before the download begins (role, company
// approval, filter) are answered as problems.
func (h *Handlers) exportGraduates(format fileFormat) fiber.Handler {
	return func(c *fiber.Ctx) error {
		f, err := graduateFilter(c)
		if err != nil {
			return err
		}
		x, err := h.Pool.Export(c.UserContext(), actor(c), f)
		if err != nil {
			return err
		}
		return sendTable(c, h.Log, h.WriteTimeout, format, graduatesTable(x.Shape), x.Next)
	}
}

// graduatesTable is the pool's download: one row per graduate, one value
// per cell. Levels take a column per track of the catalogue (level_bms:
// the level, empty below level 1); skills take skill_1, skill_2, ...; the
// completed courses, newest first, take four columns each (course_1_code,
// course_1_title, course_1_completed_at, course_1_certificate_code, then
// course_2_...), as many as the most any trainee has; cells beyond a
// graduate's own are empty.
func graduatesTable(sh pool.Shape) table[pool.Graduate] {
	type g = pool.Graduate
	cols := []column[g]{
		textCol("id", func(r g) string { return r.ID }),
		textCol("name", func(r g) string { return r.Name }),
		optTextCol("career_stage", func(r g) *string { return r.CareerStage }),
		optTextCol("region", func(r g) *string { return r.Region }),
		timeCol("last_completed_at", func(r g) (time.Time, bool) { return r.LastCompletedAt, true }),
		intCol("courses_completed", func(r g) int { return len(r.CompletedCourses) }),
	}
	for _, track := range sh.Tracks {
		cols = append(cols, optIntCol("level_"+track, func(r g) (int, bool) {
			l, ok := r.Levels[track]
			return l, ok && l > 0
		}))
	}
	for i := range sh.MaxSkills {
		cols = append(cols, textCol(fmt.Sprintf("skill_%d", i+1), func(r g) string {
			if i < len(r.Skills) {
				return r.Skills[i]
			}
			return ""
		}))
	}
	for i := range sh.MaxCourses {
		course := func(r g) (pool.CompletedCourse, bool) {
			if i < len(r.CompletedCourses) {
				return r.CompletedCourses[i], true
			}
			return pool.CompletedCourse{}, false
		}
		prefix := fmt.Sprintf("course_%d_", i+1)
		cols = append(cols,
			textCol(prefix+"code", func(r g) string { c, _ := course(r); return c.Code }),
			textCol(prefix+"title", func(r g) string { c, _ := course(r); return c.Title }),
			timeCol(prefix+"completed_at", func(r g) (time.Time, bool) { c, ok := course(r); return c.CompletedAt, ok }),
			optTextCol(prefix+"certificate_code", func(r g) *string { c, _ := course(r); return c.CertificateCode }),
		)
	}
	return table[g]{name: "graduates", columns: cols}
}

func (h *Handlers) getGraduate(c *fiber.Ctx) error {
	g, err := h.Pool.Graduate(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(g)
}

func (h *Handlers) sendContactRequest(c *fiber.Ctx) error {
	var in contactRequestRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	out, err := h.Pool.SendContactRequest(c.UserContext(), actor(c), c.Params("id"), in.Message)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *Handlers) receivedContactRequests(c *fiber.Ctx) error {
	status, err := oneOf(c, "status", pool.Pending, pool.Accepted, pool.Declined)
	if err != nil {
		return err
	}
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	out, err := h.Pool.Received(c.UserContext(), actor(c), status, p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) sentContactRequests(c *fiber.Ctx) error {
	status, err := oneOf(c, "status", pool.Pending, pool.Accepted, pool.Declined)
	if err != nil {
		return err
	}
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	out, err := h.Pool.Sent(c.UserContext(), actor(c), status, p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) acceptContactRequest(c *fiber.Ctx) error {
	out, err := h.Pool.Accept(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) declineContactRequest(c *fiber.Ctx) error {
	out, err := h.Pool.Decline(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) hire(c *fiber.Ctx) error {
	var in hireRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	out, err := h.Pool.Hire(c.UserContext(), actor(c), c.Params("id"), pool.NewHire{Position: in.Position, HiredOn: in.HiredOn, DemandID: in.DemandID})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}
