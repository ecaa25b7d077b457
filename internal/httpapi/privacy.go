package httpapi

import (
	"github.com/gofiber/fiber/v2"
)

type eraseMeRequest struct {
	Password string `json:"password" validate:"required,max=200"`
}

func (h *Handlers) exportMe(c *fiber.Ctx) error {
	out, err := h.Privacy.Export(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) myConsents(c *fiber.Ctx) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	out, err := h.Privacy.Consents(c.UserContext(), actor(c), p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) myProfileViews(c *fiber.Ctx) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	out, err := h.Privacy.ProfileViews(c.UserContext(), actor(c), p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) eraseMe(c *fiber.Ctx) error {
	var in eraseMeRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	if err := h.Privacy.EraseMe(c.UserContext(), actor(c), in.Password, h.clientAddress(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) eraseUser(c *fiber.Ctx) error {
	if err := h.Privacy.EraseUser(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
