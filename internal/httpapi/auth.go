package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/auth"
)

type registerRequest struct {
	Email       string `json:"email" validate:"required,email,max=254"`
	Password    string `json:"password" validate:"required,password"`
	Name        string `json:"name" validate:"required,notblank,max=200"`
	Role        string `json:"role" validate:"required,oneof=trainee company"`
	CompanyName string `json:"company_name" validate:"required_if=Role company,max=200"`
}

type loginRequest struct {
	Email    string `json:"email" validate:"required,max=254"`
	Password string `json:"password" validate:"required,max=256"`
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token" validate:"required,max=200"`
}

type passwordResetRequest struct {
	Email string `json:"email" validate:"required,email,max=254"`
}

type passwordResetConfirmRequest struct {
	Token       string `json:"token" validate:"required,max=200"`
	NewPassword string `json:"new_password" validate:"required,password"`
}

type changePasswordRequest struct {
	CurrentPassword string `json:"current_password" validate:"required,max=200"`
	NewPassword     string `json:"new_password" validate:"required,password"`
}

func (h *Handlers) register(c *fiber.Ctx) error {
	var in registerRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	p, err := h.Accounts.SelfRegister(c.UserContext(), h.clientAddress(c), account.NewUser{
		Email: in.Email, Password: in.Password, Name: in.Name, Role: auth.Role(in.Role), CompanyName: in.CompanyName,
		Locale: lang(c),
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

func (h *Handlers) login(c *fiber.Ctx) error {
	var in loginRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	pair, err := h.Auth.Login(c.UserContext(), in.Email, in.Password, h.clientAddress(c))
	if err != nil {
		return err
	}
	return c.JSON(pair)
}

func (h *Handlers) refresh(c *fiber.Ctx) error {
	var in refreshRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	pair, err := h.Auth.Refresh(c.UserContext(), in.RefreshToken)
	if err != nil {
		return err
	}
	return c.JSON(pair)
}

func (h *Handlers) logout(c *fiber.Ctx) error {
	var in refreshRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	if err := h.Auth.Logout(c.UserContext(), in.RefreshToken); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// requestPasswordReset answers 202 whether or not the account exists. The
// token the service returns is for e-mail delivery, never for this client.
func (h *Handlers) requestPasswordReset(c *fiber.Ctx) error {
	var in passwordResetRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	if _, err := h.Auth.RequestReset(c.UserContext(), in.Email, h.clientAddress(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusAccepted)
}

func (h *Handlers) confirmPasswordReset(c *fiber.Ctx) error {
	var in passwordResetConfirmRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	if err := h.Auth.ConfirmReset(c.UserContext(), in.Token, in.NewPassword, h.clientAddress(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) changePassword(c *fiber.Ctx) error {
	var in changePasswordRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	if err := h.Auth.ChangePassword(c.UserContext(), actor(c), in.CurrentPassword, in.NewPassword, h.clientAddress(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
