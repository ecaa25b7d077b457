package httpapi

import (
	jwtware "github.com/gofiber/contrib/jwt"
	"github.com/gofiber/fiber/v2"
	"github.com/golang-jwt/jwt/v5"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/msg"
)

const actorKey = "skillgrid.actor"

// authenticate verifies the bearer token (HS256 only, signature, exp, iat,
// iss, aud, jti, sid) and then, on every request, that its session has not
// ended and its user is still active (auth.Service.Authenticate).
func (h *Handlers) authenticate() fiber.Handler {
	return jwtware.New(jwtware.Config{
		SigningKey:   jwtware.SigningKey{JWTAlg: jwtware.HS256, Key: h.JWTSecret},
		Claims:       &auth.Claims{},
		ContextKey:   "skillgrid.jwt",
		ErrorHandler: func(*fiber.Ctx, error) error { return apperr.Unauthorized(msg.TokenRequired) },
		SuccessHandler: func(c *fiber.Ctx) error {
			tok, _ := c.Locals("skillgrid.jwt").(*jwt.Token)
			claims, ok := tok.Claims.(*auth.Claims)
			if !ok {
				return apperr.Unauthorized(msg.TokenRequired)
			}
			a, err := h.Auth.Authenticate(c.UserContext(), claims)
			if err != nil {
				return err
			}
			c.Locals(actorKey, a)
			return c.Next()
		},
	})
}

// maybeSignedIn authenticates a request that carries a token, so that a
// public endpoint can show admins more; a request without one goes on
// anonymously, and a bad token is still 401.
func (h *Handlers) maybeSignedIn() fiber.Handler {
	authenticate := h.authenticate()
	return func(c *fiber.Ctx) error {
		if c.Get(fiber.HeaderAuthorization) == "" {
			return c.Next()
		}
		return authenticate(c)
	}
}

// only lets the listed roles through; any other signed-in role gets 403.
func only(roles ...auth.Role) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a := actor(c)
		for _, r := range roles {
			if a.Role == r {
				return c.Next()
			}
		}
		return apperr.Forbidden("role_not_allowed", msg.RoleNotAllowed)
	}
}

// poolOpen lets through operators and approved companies only (after only
// has checked the role), before a handler reads the request: a pending or
// rejected company gets 403 from every pool endpoint, whatever it sent.
func (h *Handlers) poolOpen(c *fiber.Ctx) error {
	if err := h.Pool.MayUse(c.UserContext(), actor(c)); err != nil {
		return err
	}
	return c.Next()
}

// actor is the signed-in user; authenticate must have run.
func actor(c *fiber.Ctx) auth.Actor {
	a, _ := c.Locals(actorKey).(auth.Actor)
	return a
}
