package httpapi

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/swaggest/swgui/v5emb"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
)

func (h *Handlers) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

func (h *Handlers) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 3*time.Second)
	defer cancel()
	if err := h.Ready(ctx); err != nil {
		h.Log.WarnContext(ctx, "not ready", "err", err.Error())
		return apperr.Unavailable(msg.Unavailable)
	}
	return c.JSON(fiber.Map{"status": "ready"})
}

func (h *Handlers) openapi(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "application/yaml; charset=utf-8")
	return c.Send(h.Spec)
}

// metrics serves the Prometheus registry, when it is not served on an
// internal address of its own.
func (h *Handlers) metrics(c *fiber.Ctx) error {
	return h.metricsHandler(c)
}

// docs serves Swagger UI from assets embedded in the binary, so the
// reference works with no internet access.
func (h *Handlers) docs(c *fiber.Ctx) error {
	return h.docsHandler(c)
}

func newDocsHandler() fiber.Handler {
	return adaptor.HTTPHandler(v5emb.New("SkillGrid API", "/openapi.yaml", "/docs/"))
}
