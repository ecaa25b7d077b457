package httpapi

import (
	"github.com/gofiber/fiber/v2"
)

func (h *Handlers) myNotifications(c *fiber.Ctx) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	unread, _, err := boolQuery(c, "unread")
	if err != nil {
		return err
	}
	out, err := h.Notifications.List(c.UserContext(), actor(c), unread, p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) readNotification(c *fiber.Ctx) error {
	if err := h.Notifications.Read(c.UserContext(), actor(c), c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) readAllNotifications(c *fiber.Ctx) error {
	if err := h.Notifications.ReadAll(c.UserContext(), actor(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
