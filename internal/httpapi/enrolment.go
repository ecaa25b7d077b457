package httpapi

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/enrolment"
)

type enrolRequest struct {
	TraineeID string `json:"trainee_id" validate:"omitempty,max=64"`
}

func (h *Handlers) enrol(c *fiber.Ctx) error {
	var in enrolRequest
	if len(bytes.TrimSpace(c.Body())) > 0 { // a trainee enrolling themselves sends no body
		if err := h.bind(c, &in); err != nil {
			return err
		}
	}
	e, created, err := h.Enrolments.Enrol(c.UserContext(), actor(c), c.Params("id"), in.TraineeID)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if created {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(e)
}

func (h *Handlers) myEnrolments(c *fiber.Ctx) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	out, err := h.Enrolments.Mine(c.UserContext(), actor(c), p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) getEnrolment(c *fiber.Ctx) error {
	e, err := h.Enrolments.Get(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(e)
}

func (h *Handlers) withdraw(c *fiber.Ctx) error {
	e, err := h.Enrolments.Withdraw(c.UserContext(), actor(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(e)
}

func (h *Handlers) roster(c *fiber.Ctx) error {
	status, err := oneOf(c, "status", enrolment.Enrolled, enrolment.Waitlisted, enrolment.Withdrawn,
		enrolment.Completed, enrolment.Failed, enrolment.Cancelled)
	if err != nil {
		return err
	}
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	out, err := h.Enrolments.Roster(c.UserContext(), actor(c), c.Params("id"), status, p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}
