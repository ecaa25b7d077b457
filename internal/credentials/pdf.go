package credentials

import (
	_ "embed" // the font the certificate is printed in
	"fmt"
	"io"
	"strconv"

	"github.com/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/skillgrid/skillgrid/internal/msg"
)

// hangulFont is NanumSquare Regular (SIL Open Font License 1.1, see
// fonts/OFL.txt): every modern Hangul syllable, Latin and digits, in a
// TrueType font the PDF library embeds (only the glyphs a certificate
// uses end up in the file).
//
//go:embed fonts/NanumSquareR.ttf
var hangulFont []byte

const fontName = "nanumsquare"

// PDF writes the printable A4 certificate: the same facts as its page, in
// Korean and English, with a QR code to the page.
func PDF(w io.Writer, s Summary) error {
	qr, err := qrcode.New(s.VerifyURL, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("QR code: %w", err)
	}
	qr.DisableBorder = true
	p := fpdf.New("P", "mm", "A4", "")
	p.SetTitle(msg.Text(msg.Korean, msg.CertHeading)+" "+s.Code, true)
	p.SetAuthor(s.Issuer.Name, true)
	p.SetCreator("SkillGrid", true)
	p.AddUTF8FontFromBytes(fontName, "", hangulFont)
	p.SetMargins(20, 20, 20)
	p.SetAutoPageBreak(false, 0)
	p.AddPage()
	pw, ph := p.GetPageSize()
	inner := pw - 40

	// A double frame.
	p.SetDrawColor(30, 70, 120)
	p.SetLineWidth(1.2)
	p.Rect(10, 10, pw-20, ph-20, "D")
	p.SetLineWidth(0.3)
	p.Rect(13, 13, pw-26, ph-26, "D")

	center := func(size float64, h float64, text string) {
		p.SetFont(fontName, "", size)
		p.SetX(20)
		p.CellFormat(inner, h, text, "", 1, "C", false, 0, "")
	}
	p.SetY(32)
	p.SetTextColor(30, 70, 120)
	center(30, 14, msg.Text(msg.Korean, msg.CertHeading))
	center(14, 8, msg.Text(msg.English, msg.CertHeading))
	p.Ln(10)
	p.SetTextColor(20, 20, 20)
	center(24, 12, s.TraineeName)
	p.Ln(6)
	course := s.CourseTitle + " (" + s.CourseCode + ")"
	for _, l := range []msg.Lang{msg.Korean, msg.English} {
		p.SetFont(fontName, "", 12)
		p.SetX(25)
		p.MultiCell(inner-10, 7, msg.Text(l, msg.CertCertifies, "name", s.TraineeName, "course", course), "", "C", false)
		p.Ln(2)
	}
	p.Ln(6)

	hours := strconv.FormatFloat(s.Hours, 'f', -1, 64)
	rows := [][2]string{
		{pair(msg.CertCode), s.Code},
		{pair(msg.CertCourse), course},
		{pair(msg.CertLevel), strconv.Itoa(s.Level)},
		{pair(msg.CertHours), hours},
		{pair(msg.CertIssuedOn), s.IssuedOn},
		{pair(msg.CertIssuer), s.Issuer.Name},
	}
	for i, u := range s.NCSUnits {
		label := ""
		if i == 0 {
			label = pair(msg.CertNCS)
		}
		rows = append(rows, [2]string{label, msg.Text(msg.Korean, msg.CertNCSUnit, "name", u.Name, "code", u.Code, "level", u.Level)})
	}
	p.SetFont(fontName, "", 10.5)
	for _, r := range rows {
		p.SetX(30)
		p.SetTextColor(90, 90, 90)
		p.CellFormat(68, 7, r[0], "", 0, "L", false, 0, "")
		p.SetTextColor(20, 20, 20)
		p.MultiCell(inner-78, 7, r[1], "", "L", false)
	}

	if s.Revoked {
		p.Ln(6)
		p.SetTextColor(170, 30, 30)
		center(13, 8, msg.Text(msg.Korean, msg.CertRevoked, "date", s.RevokedOn))
		center(11, 7, msg.Text(msg.English, msg.CertRevoked, "date", s.RevokedOn))
	}

	// The QR code, drawn module by module so that it prints sharp.
	const size = 38.0
	bits := qr.Bitmap()
	x0, y0 := (pw-size)/2, ph-30-size-14
	m := size / float64(len(bits))
	p.SetFillColor(0, 0, 0)
	for y, line := range bits {
		for x, on := range line {
			if on {
				p.Rect(x0+float64(x)*m, y0+float64(y)*m, m, m, "F")
			}
		}
	}
	p.SetY(y0 + size + 2)
	p.SetTextColor(60, 60, 60)
	center(9, 5, msg.Text(msg.Korean, msg.CertScanToVerify)+" · "+msg.Text(msg.English, msg.CertScanToVerify))
	center(8, 5, s.VerifyURL)
	if err := p.Output(w); err != nil {
		return fmt.Errorf("write PDF: %w", err)
	}
	return nil
}

// pair is a label in Korean and English, as the certificate prints both.
func pair(id msg.ID) string {
	return msg.Text(msg.Korean, id) + " / " + msg.Text(msg.English, id)
}
