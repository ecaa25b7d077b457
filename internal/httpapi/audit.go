package httpapi

import (
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/msg"
)

func (h *Handlers) auditEvents(c *fiber.Ctx) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	f := audit.Filter{
		Entity: c.Query("entity"), EntityID: c.Query("entity_id"),
		ActorID: c.Query("actor"), Action: c.Query("action"),
	}
	var bad []apperr.FieldError
	for name, dst := range map[string]**time.Time{"from": &f.From, "to": &f.To} {
		if !readInstant(c.Query(name), dst) {
			bad = append(bad, apperr.Field(name, msg.FieldInstantOrDate))
		}
	}
	if len(bad) > 0 {
		sort.Slice(bad, func(i, j int) bool { return bad[i].Field < bad[j].Field })
		return apperr.Invalid(bad...)
	}
	out, err := h.Audit.List(c.UserContext(), f, p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}
