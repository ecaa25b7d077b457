package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/credentials"
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
