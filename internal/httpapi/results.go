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
// results service, which names every bad row of a batch in one answer
// (attended_hours too: required for a cohort without sessions, refused for
// one that keeps a register).
type resultRow struct {
	EnrolmentID   string   `json:"enrolment_id" validate:"required,max=64"`
	AttendedHours *float64 `json:"attended_hours"`
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
		b.Rows = append(b.Rows, results.Row{EnrolmentID: r.EnrolmentID, AttendedHours: r.AttendedHours, Score: *r.Score})
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
	t, err := h.Results.Transcript(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(t)
}

// exportTranscript downloads the trainee's transcript.
func (h *Handlers) exportTranscript(format fileFormat) fiber.Handler {
	return func(c *fiber.Ctx) error {
		t, err := h.Results.Transcript(c.UserContext(), actor(c))
		if err != nil {
			return err
		}
		rows := make([]transcriptRow, len(t.Entries))
		for i := range t.Entries {
			rows[i] = transcriptRow{&t, &t.Entries[i]}
		}
		if len(rows) == 0 {
			rows = []transcriptRow{{&t, &results.TranscriptEntry{}}}
		}
		return sendTable(c, h.Log, h.WriteTimeout, format, transcriptTable(), allAtOnce(rows))
	}
}

// transcriptRow is one enrolment of a transcript with the trainee it
// belongs to.
type transcriptRow struct {
	t *results.Transcript
	e *results.TranscriptEntry
}

// transcriptTable is the transcript's download: one row per enrolment,
// each starting with the trainee's name and e-mail, so that the file names
// its trainee and stays one table. A trainee with no enrolments gets one
// row with only those two cells.
func transcriptTable() table[transcriptRow] {
	type row = transcriptRow
	return table[row]{name: "transcript", columns: []column[row]{
		textCol("trainee_name", func(x row) string { return x.t.Name }),
		textCol("trainee_email", func(x row) string { return x.t.Email }),
		textCol("course_code", func(x row) string { return x.e.CourseCode }),
		textCol("course_title", func(x row) string { return x.e.CourseTitle }),
		textCol("track", func(x row) string { return x.e.Track }),
		optIntCol("level", func(x row) (int, bool) { return x.e.Level, x.e.Level > 0 }),
		numberCol("hours", func(x row) *float64 {
			if x.e.CourseCode == "" {
				return nil
			}
			return &x.e.Hours
		}),
		textCol("cohort", func(x row) string { return x.e.CohortLabel }),
		dateCol("starts_on", func(x row) string { return x.e.StartsOn }),
		dateCol("ends_on", func(x row) string { return x.e.EndsOn }),
		textCol("status", func(x row) string { return x.e.Status }),
		numberCol("attended_hours", func(x row) *float64 { return x.e.AttendedHours }),
		numberCol("score", func(x row) *float64 { return x.e.Score }),
		optTextCol("certificate_code", func(x row) *string { return x.e.CertificateCode }),
		optTextCol("certificate_status", func(x row) *string { return x.e.CertificateStatus }),
	}}
}
