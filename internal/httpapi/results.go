package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/results"
)

type resultsRequest struct {
	Results          []resultRow `json:"results" validate:"required,min=1,max=1000,dive"`
	CorrectionReason string      `json:"correction_reason" validate:"max=1000"`
}

// resultRow is checked for presence here; its values are checked by the
// results service, which names every bad row of a batch in one answer.
type resultRow struct {
	EnrolmentID   string   `json:"enrolment_id" validate:"required,max=64"`
	AttendedHours *float64 `json:"attended_hours" validate:"required"`
	Score         *float64 `json:"score" validate:"required"`
}

type revokeRequest struct {
	Reason string `json:"reason" validate:"required,notblank,max=1000"`
}

func (h *Handlers) recordResults(c *fiber.Ctx) error {
	var in resultsRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	b := results.Batch{CorrectionReason: in.CorrectionReason}
	for _, r := range in.Results {
		b.Rows = append(b.Rows, results.Row{EnrolmentID: r.EnrolmentID, AttendedHours: *r.AttendedHours, Score: *r.Score})
	}
	out, err := h.Results.Record(c.UserContext(), actor(c), c.Params("id"), b)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) myCertificates(c *fiber.Ctx) error {
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	out, err := h.Results.Mine(c.UserContext(), actor(c), p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) verifyCertificate(c *fiber.Ctx) error {
	v, err := h.Results.Verify(c.UserContext(), c.Params("code"), h.clientAddress(c))
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (h *Handlers) revokeCertificate(c *fiber.Ctx) error {
	var in revokeRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	out, err := h.Results.Revoke(c.UserContext(), actor(c), c.Params("code"), in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) transcript(c *fiber.Ctx) error {
	csvWanted, err := wantsCSV(c)
	if err != nil {
		return err
	}
	t, err := h.Results.Transcript(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	if !csvWanted {
		return c.JSON(t)
	}
	records := make([][]string, len(t.Entries))
	for i, e := range t.Entries {
		records[i] = e.CSVRecord()
	}
	return sendCSV(c, "transcript.csv", results.TranscriptCSVHeader, records)
}
