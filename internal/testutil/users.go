package testutil

import (
	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/auth"
)

func newUser(email string, role auth.Role) account.NewUser {
	u := account.NewUser{Email: email, Password: Password, Name: "테스트 " + string(role), Role: role}
	if role == auth.Company {
		u.CompanyName = "테스트 배터리 (Test Battery Co.)"
	}
	return u
}
