package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/webhooks"
)

type createWebhookRequest struct {
	URL         string   `json:"url" validate:"required,notblank,max=2000"`
	Events      []string `json:"events" validate:"required,min=1,max=50"`
	Description string   `json:"description" validate:"max=500"`
}

type updateWebhookRequest struct {
	Events      *[]string `json:"events" validate:"omitnil,min=1,max=50"`
	Active      *bool     `json:"active"`
	Description *string   `json:"description" validate:"omitnil,max=500"`
}

func (h *Handlers) createWebhook(c *fiber.Ctx) error {
	var in createWebhookRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	w, err := h.Webhooks.Create(c.UserContext(), actor(c), webhooks.NewWebhook{URL: in.URL, Events: in.Events, Description: in.Description})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(w)
}

func (h *Handlers) listWebhooks(c *fiber.Ctx) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	out, err := h.Webhooks.List(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) updateWebhook(c *fiber.Ctx) error {
	var in updateWebhookRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	w, err := h.Webhooks.Update(c.UserContext(), actor(c), c.Params("id"), webhooks.Patch{Events: in.Events, Active: in.Active, Description: in.Description})
	if err != nil {
		return err
	}
	return c.JSON(w)
}

func (h *Handlers) deleteWebhook(c *fiber.Ctx) error {
	if err := h.Webhooks.Delete(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) webhookDeliveries(c *fiber.Ctx) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	out, err := h.Webhooks.Deliveries(c.UserContext(), c.Params("id"), p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) redeliver(c *fiber.Ctx) error {
	if err := h.Webhooks.Redeliver(c.UserContext(), actor(c), c.Params("id"), c.Params("delivery_id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusAccepted)
}
