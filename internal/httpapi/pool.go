package httpapi

import (
	"bufio"
	"sort"
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
	csvWanted, err := wantsCSV(c)
	if err != nil {
		return err
	}
	f, err := graduateFilter(c)
	if err != nil {
		return err
	}
	if csvWanted {
		return h.exportGraduates(c, f)
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

// exportGraduates streams every graduate matching f as CSV (UTF-8 with a
// BOM, a header row), one chunk of the pool at a time, so a large pool
// never sits in memory. Errors found before the body begins (role, company
// approval, filter, and reading the first chunk) are answered normally.
// Once the body has begun, the 200 is sent and an error can no longer be
// answered: it is logged and the connection is closed before the body's
// last chunk, so that the client sees a broken transfer (Go's client:
// unexpected EOF; curl: exit 18) instead of a complete file that silently
// lacks graduates.
func (h *Handlers) exportGraduates(c *fiber.Ctx, f pool.Filter) error {
	ctx := c.UserContext()
	x, err := h.Pool.Export(ctx, actor(c), f)
	if err != nil {
		return err
	}
	first, err := x.Next(ctx)
	if err != nil {
		return err
	}
	log, rid, conn := h.Log, requestID(c), c.Context().Conn()
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="graduates.csv"`)
	// The writer runs after the handler returns, when fasthttp sends the
	// body: it must not touch c.
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		_, _ = w.WriteString("\ufeff")
		cw := newCSVWriter(w)
		_ = cw.Write(pool.CSVHeader)
		err := func() error {
			for gs := first; len(gs) > 0; {
				for _, g := range gs {
					if err := cw.Write(g.CSVRecord()); err != nil {
						return err
					}
				}
				cw.Flush()
				if err := cw.Error(); err != nil {
					return err
				}
				if err := w.Flush(); err != nil {
					return err
				}
				var err error
				if gs, err = x.Next(ctx); err != nil {
					return err
				}
			}
			return nil
		}()
		cw.Flush()
		if err != nil {
			log.ErrorContext(ctx, "graduates export ended early; closing the connection", "err", err.Error(), "request_id", rid)
			_ = w.Flush()
			_ = conn.Close()
		}
	})
	return nil
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
	out, err := h.Pool.Hire(c.UserContext(), actor(c), c.Params("id"), pool.NewHire{Position: in.Position, HiredOn: in.HiredOn})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}
