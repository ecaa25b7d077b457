package credentials

import (
	"context"

	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/results"
)

// Summary is what people read of a certificate, on its page and on paper:
// the same facts in both, and only what a verifier needs (no e-mail, no
// score).
type Summary struct {
	Code        string
	TraineeName string
	CourseCode  string
	CourseTitle string
	Level       int
	Hours       float64
	IssuedOn    string
	Revoked     bool
	RevokedOn   string
	NCSUnits    catalogue.NCSUnits
	Issuer      Profile
	VerifyURL   string
	Credential  string
	JWKS        string
}

// SummaryOf is the summary of a certificate's facts.
func SummaryOf(f Facts, u URLs, issuer Profile) Summary {
	s := Summary{
		Code: f.Code, TraineeName: f.TraineeName, CourseCode: f.CourseCode, CourseTitle: f.CourseTitle,
		Level: f.Level, Hours: f.Hours, IssuedOn: catalogue.Today(f.IssuedAt), Revoked: f.Status == results.Revoked,
		NCSUnits: f.NCSUnits, Issuer: issuer, VerifyURL: u.Verify(f.Code), Credential: u.Credential(f.Code), JWKS: u.JWKS(),
	}
	if f.RevokedAt != nil {
		s.RevokedOn = catalogue.Today(*f.RevokedAt)
	}
	return s
}

// Summary is a certificate as people read it, looked up by its code (any
// form people type) within the per-address limit of public look-ups.
func (s *Service) Summary(ctx context.Context, code, addr string) (Summary, error) {
	if err := s.lookups.Hit(ctx, addr, s.now()); err != nil {
		return Summary{}, err
	}
	f, err := s.Facts(ctx, code)
	if err != nil {
		return Summary{}, err
	}
	return SummaryOf(f, s.urls, s.issuer), nil
}
