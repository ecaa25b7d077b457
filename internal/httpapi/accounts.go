package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/auth"
)

type updateMeRequest struct {
	Name        *string   `json:"name" validate:"omitnil,notblank,max=200"`
	Phone       *string   `json:"phone" validate:"omitnil,max=40"`
	Skills      *[]string `json:"skills" validate:"omitnil,max=50,dive,notblank,max=60"`
	CareerStage *string   `json:"career_stage" validate:"omitnil,oneof=student job_seeker incumbent"`
	Region      *string   `json:"region" validate:"omitnil,max=100"`
	PoolOptIn   *bool     `json:"pool_opt_in"`
	Locale      *string   `json:"locale" validate:"omitnil,oneof=en ko"`
	// EmailNotifications: event type -> whether it goes by e-mail.
	EmailNotifications map[string]bool `json:"email_notifications" validate:"omitnil,max=30"`
}

type createUserRequest struct {
	Email    string `json:"email" validate:"required,email,max=254"`
	Password string `json:"password" validate:"required,password"`
	Name     string `json:"name" validate:"required,notblank,max=200"`
	Role     string `json:"role" validate:"required,oneof=instructor admin"`
}

type updateUserRequest struct {
	Name   *string `json:"name" validate:"omitnil,notblank,max=200"`
	Active *bool   `json:"active"`
}

type rejectRequest struct {
	Reason string `json:"reason" validate:"required,notblank,max=1000"`
}

func (h *Handlers) me(c *fiber.Ctx) error {
	p, err := h.Accounts.Me(c.UserContext(), actor(c))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h *Handlers) updateMe(c *fiber.Ctx) error {
	var in updateMeRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	p, err := h.Accounts.UpdateMe(c.UserContext(), actor(c), account.ProfilePatch{
		Name: in.Name, Phone: in.Phone, Skills: in.Skills, CareerStage: in.CareerStage, Region: in.Region, PoolOptIn: in.PoolOptIn,
		Locale: in.Locale, EmailNotifications: in.EmailNotifications,
	})
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h *Handlers) createUser(c *fiber.Ctx) error {
	var in createUserRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	p, err := h.Accounts.CreateUser(c.UserContext(), actor(c), account.NewUser{
		Email: in.Email, Password: in.Password, Name: in.Name, Role: auth.Role(in.Role),
	})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

func (h *Handlers) listUsers(c *fiber.Ctx) error {
	role, err := oneOf(c, "role", "trainee", "instructor", "company", "admin")
	if err != nil {
		return err
	}
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	out, err := h.Accounts.ListUsers(c.UserContext(), role, p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) updateUser(c *fiber.Ctx) error {
	var in updateUserRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	p, err := h.Accounts.UpdateUser(c.UserContext(), actor(c), c.Params("id"), account.UserPatch{Name: in.Name, Active: in.Active})
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (h *Handlers) listCompanies(c *fiber.Ctx) error {
	status, err := oneOf(c, "status", account.CompanyPending, account.CompanyApproved, account.CompanyRejected)
	if err != nil {
		return err
	}
	p, err := pageParams(c)
	if err != nil {
		return err
	}
	out, err := h.Accounts.ListCompanies(c.UserContext(), status, p)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (h *Handlers) approveCompany(c *fiber.Ctx) error {
	co, err := h.Accounts.DecideCompany(c.UserContext(), actor(c), c.Params("id"), account.CompanyApproved, "")
	if err != nil {
		return err
	}
	return c.JSON(co)
}

func (h *Handlers) rejectCompany(c *fiber.Ctx) error {
	var in rejectRequest
	if err := h.bind(c, &in); err != nil {
		return err
	}
	co, err := h.Accounts.DecideCompany(c.UserContext(), actor(c), c.Params("id"), account.CompanyRejected, in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(co)
}
