package httpapi

import (
	"bytes"
	"encoding/csv"

	"github.com/gofiber/fiber/v2"
)

// wantsCSV reads the Accept header of an endpoint that answers JSON (the
// default) or CSV; anything else it cannot give is 406.
func wantsCSV(c *fiber.Ctx) (bool, error) {
	if c.Get(fiber.HeaderAccept) == "" {
		return false, nil
	}
	switch c.Accepts(fiber.MIMEApplicationJSON, "text/csv") {
	case fiber.MIMEApplicationJSON:
		return false, nil
	case "text/csv":
		return true, nil
	}
	return false, fiber.NewError(fiber.StatusNotAcceptable, "this endpoint answers application/json or text/csv")
}

// sendCSV answers a small table as CSV: UTF-8 with a byte-order mark, so
// that spreadsheets open Korean text correctly, and a header row.
func sendCSV(c *fiber.Ctx, filename string, header []string, records [][]string) error {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	_ = w.Write(header)
	_ = w.WriteAll(records)
	if err := w.Error(); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	return c.Send(b.Bytes())
}
