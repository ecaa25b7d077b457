package httpapi

import (
	"bytes"
	"encoding/csv"
	"io"
	"strings"

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
	w := newCSVWriter(&b)
	_ = w.Write(header)
	for _, r := range records {
		_ = w.Write(r)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	return c.Send(b.Bytes())
}

// csvWriter writes CSV whose every cell is safe to open in a spreadsheet:
// a cell that starts with = + - @ or a tab or carriage return, which a
// spreadsheet would evaluate as a formula, gets a leading apostrophe. Names,
// regions, skills and course titles are written by users and operators;
// numbers, dates and ids never start with those characters, so nothing
// else changes.
type csvWriter struct {
	*csv.Writer
	safe []string
}

func newCSVWriter(w io.Writer) *csvWriter { return &csvWriter{Writer: csv.NewWriter(w)} }

func (w *csvWriter) Write(record []string) error {
	w.safe = append(w.safe[:0], record...)
	for i, s := range w.safe {
		if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
			w.safe[i] = "'" + s
		}
	}
	return w.Writer.Write(w.safe)
}
