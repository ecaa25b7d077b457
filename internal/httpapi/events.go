package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/platform/page"
)

func (h *Handlers) eventLog(c *fiber.Ctx) error {
	limit, err := intQuery(c, "limit", 1, page.MaxLimit)
	if err != nil {
		return err
	}
	if limit == 0 {
		limit = page.DefaultLimit
	}
	out, err := h.Events.After(c.UserContext(), c.Query("after"), events.Type(c.Query("type")), limit)
	if err != nil {
		return err
	}
	return c.JSON(out)
}
