// Package demo loads a believable demo programme so that a newcomer's first
// calls return meaningful data. Every step checks before it writes, so
// seeding twice changes nothing.
package demo

import (
	"context"
	"fmt"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/app"
	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/auth"
)

// Password is every demo account's password (documented in the README).
const Password = "skillgrid-demo-2026"

// Account is one demo login.
type Account struct {
	Email, Name string
	Role        auth.Role
	Company     string // company name, for companies
	Approved    bool   // for companies
}

// Accounts are the demo logins the README lists.
var Accounts = []Account{
	{Email: "admin@demo.skillgrid.kr", Name: "Operator Kim (운영자 김)", Role: auth.Admin},
	{Email: "instructor.park@demo.skillgrid.kr", Name: "박지훈 (Park Jihoon)", Role: auth.Instructor},
	{Email: "instructor.lee@demo.skillgrid.kr", Name: "이서연 (Lee Seoyeon)", Role: auth.Instructor},
	{Email: "trainee.choi@demo.skillgrid.kr", Name: "최민준 (Choi Minjun)", Role: auth.Trainee},
	{Email: "trainee.jung@demo.skillgrid.kr", Name: "정하은 (Jung Haeun)", Role: auth.Trainee},
	{Email: "trainee.kang@demo.skillgrid.kr", Name: "강도윤 (Kang Doyun)", Role: auth.Trainee},
	{Email: "hr@cellmaker.demo.skillgrid.kr", Name: "Recruiter Han", Role: auth.Company, Company: "한빛셀 (Hanbit Cell)", Approved: true},
	{Email: "hr@materials.demo.skillgrid.kr", Name: "Recruiter Yoon", Role: auth.Company, Company: "누리소재 (Nuri Materials)"},
}

// Seed loads the demo data through the services and reports how many
// records it made.
func Seed(ctx context.Context, a *app.App) (int, error) {
	made := 0
	var admin auth.Actor
	for _, acc := range Accounts {
		id, created, err := ensureAccount(ctx, a, acc)
		if err != nil {
			return made, fmt.Errorf("demo account %s: %w", acc.Email, err)
		}
		if created {
			made++
		}
		if acc.Role == auth.Admin {
			admin = auth.Actor{ID: id, Role: auth.Admin}
		}
		if acc.Role == auth.Company && acc.Approved && created {
			co, err := a.Accounts.CompanyOf(ctx, id)
			if err != nil {
				return made, err
			}
			if _, err := a.Accounts.DecideCompany(ctx, admin, co.ID, account.CompanyApproved, ""); err != nil {
				return made, err
			}
		}
	}
	return made, nil
}

func ensureAccount(ctx context.Context, a *app.App, acc Account) (string, bool, error) {
	cred, err := a.Accounts.Store.CredentialsByEmail(ctx, acc.Email)
	if err == nil {
		return cred.UserID, false, nil
	}
	if !apperr.IsKind(err, apperr.KindNotFound) {
		return "", false, err
	}
	in := account.NewUser{Email: acc.Email, Password: Password, Name: acc.Name, Role: acc.Role, CompanyName: acc.Company}
	var p account.Profile
	if acc.Role == auth.Trainee || acc.Role == auth.Company {
		p, err = a.Accounts.Register(ctx, in)
	} else {
		p, err = a.Accounts.CreateAccount(ctx, in)
	}
	if err != nil {
		return "", false, err
	}
	return p.ID, true, nil
}
