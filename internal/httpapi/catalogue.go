package httpapi

import (
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/dates"
	"github.com/skillgrid/skillgrid/internal/platform/page"
)

type createTrackRequest struct {
	Code string `json:"code" validate:"required,notblank,max=40"`
	Name string `json:"name" validate:"required,notblank,max=200"`
}

type createCourseRequest struct {
	Code          string    `json:"code" validate:"required,notblank,max=32"`
	Title         string    `json:"title" validate:"required,notblank,max=200"`
	Description   string    `json:"description" validate:"max=5000"`
	Track         string    `json:"track" validate:"required,notblank,max=40"`
	Level         *int      `json:"level" validate:"required,gte=1,lte=5"`
	Hours         *float64  `json:"hours" validate:"required,gt=0,lte=10000"`
	PassScore     *float64  `json:"pass_score" validate:"omitnil,gte=0,lte=100"`
	MinAttendance *float64  `json:"min_attendance" validate:"omitnil,gte=0,lte=1"`
	Skills        []string  `json:"skills" validate:"max=30,dive,notblank,max=60"`
	Prerequisites []string  `json:"prerequisites" validate:"max=20,dive,uuid"`
	NCSUnits      []ncsUnit `json:"ncs_units" validate:"max=50,dive"`
	Status        string    `json:"status" validate:"omitempty,oneof=draft published archived"`
}

// ncsUnit is checked for shape here; the catalogue checks the code's form
// and repeats, naming every bad unit at once.
type ncsUnit struct {
	Code  string `json:"code" validate:"required,max=32"`
	Name  string `json:"name" validate:"required,notblank,max=200"`
	Level *int   `json:"level" validate:"required"`
}

func ncsUnits(in []ncsUnit) []catalogue.NCSUnit {
	out := make([]catalogue.NCSUnit, len(in))
	for i, u := range in {
		out[i] = catalogue.NCSUnit{Code: u.Code, Name: u.Name, Level: *u.Level}
	}
	return out
}

type updateCourseRequest struct {
	Code          *string    `json:"code" validate:"omitnil,notblank,max=32"`
	Title         *string    `json:"title" validate:"omitnil,notblank,max=200"`
	Description   *string    `json:"description" validate:"omitnil,max=5000"`
	Track         *string    `json:"track" validate:"omitnil,notblank,max=40"`
	Level         *int       `json:"level" validate:"omitnil,gte=1,lte=5"`
	Hours         *float64   `json:"hours" validate:"omitnil,gt=0,lte=10000"`
	PassScore     *float64   `json:"pass_score" validate:"omitnil,gte=0,lte=100"`
	MinAttendance *float64   `json:"min_attendance" validate:"omitnil,gte=0,lte=1"`
	Skills        *[]string  `json:"skills" validate:"omitnil,max=30,dive,notblank,max=60"`
	Prerequisites *[]string  `json:"prerequisites" validate:"omitnil,max=20,dive,uuid"`
	NCSUnits      *[]ncsUnit `json:"ncs_units" validate:"omitnil,max=50,dive"`
	Status        *string    `json:"status" validate:"omitnil,oneof=draft published archived"`
}

type createCohortRequest struct {
	Label         string  `json:"label" validate:"required,notblank,max=200"`
	InstructorID  string  `json:"instructor_id" validate:"required,max=36"`
	Capacity      *int    `json:"capacity" validate:"required,gte=1,lte=100000"`
	StartsOn      string  `json:"starts_on" validate:"required,date"`
	EndsOn        string  `json:"ends_on" validate:"required,date"`
	EnrolOpensAt  string  `json:"enrol_opens_at" validate:"required,instant"`
	EnrolClosesAt string  `json:"enrol_closes_at" validate:"required,instant"`
	Mode          string  `json:"mode" validate:"required,oneof=onsite online hybrid"`
	Location      *string `json:"location" validate:"omitnil,max=300"`
}

type updateCohortRequest struct {
	Label         *string `json:"label" validate:"omitnil,notblank,max=200"`
	InstructorID  *string `json:"instructor_id" validate:"omitnil,max=36"`
	Capacity      *int    `json:"capacity" validate:"omitnil,gte=1,lte=100000"`
	StartsOn      *string `json:"starts_on" validate:"omitnil,date"`
	EndsOn        *string `json:"ends_on" validate:"omitnil,date"`
	EnrolOpensAt  *string `json:"enrol_opens_at" validate:"omitnil,instant"`
	EnrolClosesAt *string `json:"enrol_closes_at" validate:"omitnil,instant"`
	Mode          *string `json:"mode" validate:"omitnil,oneof=onsite online hybrid"`
	Location      *string `json:"location" validate:"omitnil,max=300"`
}

type placementRequest struct {
	Track  string `json:"track" validate:"required,notblank,max=40"`
	Level  *int   `json:"level" validate:"required,gte=1,lte=5"`
	Reason string `json:"reason" validate:"required,notblank,max=1000"`
}

func (h *Handlers) listLevels(c *fiber.Ctx) error {
	return c.JSON(h.Catalogue.ListLevels())
}

func (h *Handlers) listTracks(c *fiber.Ctx) error {
	out, err := h.Catalogue.ListTracks(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) createTrack(c *fiber.Ctx) error {
	var in createTrackRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	t, err := h.Catalogue.CreateTrack(c.UserContext(), actor(c), in.Code, in.Name)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

func (h *Handlers) listCourses(c *fiber.Ctx) error {
	status, err := oneOf(c, "status", catalogue.Draft, catalogue.Published, catalogue.Archived)
	if err != nil {
		return err
	}
	level, err := intQuery(c, "level", 1, catalogue.MaxLevel)
	if err != nil {
		return err
	}
	f := catalogue.CourseFilter{Track: c.Query("track"), Level: level, Skill: c.Query("skill"), Q: c.Query("q"), Status: status}
	if utf8.RuneCountInString(f.Q) > 100 {
		return apperr.Invalid(apperr.Field("q", msg.FieldMaxChars, "max", 100))
	}
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	out, err := h.Catalogue.ListCourses(c.UserContext(), actor(c), f, p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) createCourse(c *fiber.Ctx) error {
	var in createCourseRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	out, err := h.Catalogue.CreateCourse(c.UserContext(), actor(c), catalogue.NewCourse{
		Code: in.Code, Title: in.Title, Description: in.Description, Track: in.Track,
		Level: *in.Level, Hours: *in.Hours, PassScore: in.PassScore, MinAttendance: in.MinAttendance,
		Skills: in.Skills, Prerequisites: in.Prerequisites, NCSUnits: ncsUnits(in.NCSUnits), Status: in.Status,
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *Handlers) getCourse(c *fiber.Ctx) error {
	out, err := h.Catalogue.Course(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) updateCourse(c *fiber.Ctx) error {
	var in updateCourseRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	patch := catalogue.CoursePatch{
		Code: in.Code, Title: in.Title, Description: in.Description, Track: in.Track, Level: in.Level,
		Hours: in.Hours, PassScore: in.PassScore, MinAttendance: in.MinAttendance,
		Skills: in.Skills, Prerequisites: in.Prerequisites, Status: in.Status,
	}
	if in.NCSUnits != nil {
		units := ncsUnits(*in.NCSUnits)
		patch.NCSUnits = &units
	}
	out, err := h.Catalogue.UpdateCourse(c.UserContext(), actor(c), c.Params("id"), patch)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) createCohort(c *fiber.Ctx) error {
	var in createCohortRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	// Validated above, so the timestamps parse.
	opens, _ := dates.Instant(in.EnrolOpensAt)
	closes, _ := dates.Instant(in.EnrolClosesAt)
	out, err := h.Catalogue.CreateCohort(c.UserContext(), actor(c), c.Params("id"), catalogue.NewCohort{
		Label: in.Label, InstructorID: in.InstructorID, Capacity: *in.Capacity,
		StartsOn: in.StartsOn, EndsOn: in.EndsOn, EnrolOpensAt: opens, EnrolClosesAt: closes,
		Mode: in.Mode, Location: in.Location,
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *Handlers) listCohorts(c *fiber.Ctx) error {
	var f catalogue.CohortFilter
	var err error
	if f.CourseID, err = idQuery(c, "course_id"); err != nil {
		return err
	}
	if f.InstructorID, err = idQuery(c, "instructor_id"); err != nil {
		return err
	}
	if f.Level, err = intQuery(c, "level", 1, catalogue.MaxLevel); err != nil {
		return err
	}
	open, set, err := boolQuery(c, "open")
	if err != nil {
		return err
	}
	if set {
		f.Open = &open
	}
	f.Track = c.Query("track")
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	out, err := h.Catalogue.ListCohorts(c.UserContext(), actor(c), f, p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) getCohort(c *fiber.Ctx) error {
	out, err := h.Catalogue.Cohort(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) updateCohort(c *fiber.Ctx) error {
	var in updateCohortRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	p := catalogue.CohortPatch{
		Label: in.Label, InstructorID: in.InstructorID, Capacity: in.Capacity,
		StartsOn: in.StartsOn, EndsOn: in.EndsOn, Mode: in.Mode, Location: in.Location,
	}
	if in.EnrolOpensAt != nil {
		t, _ := dates.Instant(*in.EnrolOpensAt)
		p.EnrolOpensAt = &t
	}
	if in.EnrolClosesAt != nil {
		t, _ := dates.Instant(*in.EnrolClosesAt)
		p.EnrolClosesAt = &t
	}
	out, err := h.Catalogue.UpdateCohort(c.UserContext(), actor(c), c.Params("id"), p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) cancelCohort(c *fiber.Ctx) error {
	out, err := h.Catalogue.CancelCohort(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) myCohorts(c *fiber.Ctx) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	out, err := h.Catalogue.MyCohorts(c.UserContext(), actor(c), p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) createPlacement(c *fiber.Ctx) error {
	var in placementRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	out, err := h.Catalogue.Place(c.UserContext(), actor(c), c.Params("id"), catalogue.NewPlacement{
		Track: in.Track, Level: *in.Level, Reason: in.Reason,
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *Handlers) recommendations(c *fiber.Ctx) error {
	limit, err := intQuery(c, "limit", 1, page.MaxLimit)
	if err != nil {
		return err
	}
	if limit == 0 {
		limit = page.DefaultLimit
	}
	out, err := h.Catalogue.Recommendations(c.UserContext(), actor(c), limit, lang(c))
	if err != nil {
		return err
	}
	c.Vary(fiber.HeaderAcceptLanguage)
	return c.JSON(out)
}
