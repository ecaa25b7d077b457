package httpapi

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/credentials"
	"github.com/skillgrid/skillgrid/internal/msg"
)

// jwks publishes every signing key, old and new, so that a credential
// signed before a rotation keeps verifying.
func (h *Handlers) jwks(c *fiber.Ctx) error {
	set, err := h.Credentials.JWKS(c.UserContext())
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/jwk-set+json")
	return c.JSON(set, "application/jwk-set+json")
}

func (h *Handlers) issuer(c *fiber.Ctx) error {
	return c.JSON(h.Credentials.Issuer())
}

// credential answers a certificate's signed OpenBadgeCredential: RS256
// unless ?alg=Ed25519 asks for an Ed25519 signature.
func (h *Handlers) credential(c *fiber.Ctx) error {
	alg, err := oneOf(c, "alg", credentials.RS256, "Ed25519")
	if err != nil {
		return err
	}
	if alg == "Ed25519" {
		alg = credentials.EdDSA
	}
	if alg == "" {
		alg = credentials.RS256
	}
	jwt, err := h.Credentials.Credential(c.UserContext(), c.Params("code"), alg)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, credentials.MediaType)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString(jwt)
}

// statusList answers a status list as it stands: never cached, so that a
// revocation shows at once.
func (h *Handlers) statusList(c *fiber.Ctx) error {
	jwt, err := h.Credentials.StatusList(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, credentials.MediaType)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.SendString(jwt)
}

// pageLangs are the languages of a page for people: the one the reader's
// Accept-Language picks, or Korean and English both when it names none.
func pageLangs(c *fiber.Ctx) []msg.Lang {
	if strings.TrimSpace(c.Get(fiber.HeaderAcceptLanguage)) == "" {
		return []msg.Lang{msg.Korean, msg.English}
	}
	return []msg.Lang{lang(c)}
}

// verifyPage is a certificate's page for people: what a verifier needs,
// its status and how to check the signed credential. It loads nothing
// from anywhere (its policy forbids it), so it works offline.
func (h *Handlers) verifyPage(c *fiber.Ctx) error {
	langs := pageLangs(c)
	c.Vary(fiber.HeaderAcceptLanguage)
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	s, err := h.Credentials.Summary(c.UserContext(), c.Params("code"), h.clientAddress(c))
	if apperr.IsKind(err, apperr.KindNotFound) {
		c.Status(fiber.StatusNotFound)
		return credentials.NotFoundPage(c, langs)
	}
	if err != nil {
		return err
	}
	return credentials.Page(c, s, langs)
}

// certificatePDF is the printable certificate, with a QR code to its page.
func (h *Handlers) certificatePDF(c *fiber.Ctx) error {
	s, err := h.Credentials.Summary(c.UserContext(), c.Params("code"), h.clientAddress(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="certificate-`+s.Code+`.pdf"`)
	return credentials.PDF(c, s)
}
