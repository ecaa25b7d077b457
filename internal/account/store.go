package account

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/page"
)

type userSkill struct {
	bun.BaseModel `bun:"table:user_skills"`

	UserID string `bun:"user_id,pk"`
	Skill  string `bun:"skill,pk"`
}

// Store is the SQL of users and companies. Its methods run on the handle
// they are given, but for those that implement auth.Users, whose
// interface passes none: they run on DB.
type Store struct{}

func (s Store) insertUser(ctx context.Context, idb bun.IDB, u *User) error {
	if _, err := idb.NewInsert().Model(u).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("email_taken", msg.EmailTaken)
		}
		return fmt.Errorf("insert user: %w", err)
	}
	return nil
}

func (s Store) insertCompany(ctx context.Context, idb bun.IDB, c *Company) error {
	if _, err := idb.NewInsert().Model(c).Exec(ctx); err != nil {
		return fmt.Errorf("insert company: %w", err)
	}
	return nil
}

func (s Store) user(ctx context.Context, idb bun.IDB, id string, lock bool) (User, error) {
	var u User
	q := idb.NewSelect().Model(&u).Where("id = ?", id)
	if lock {
		q = db.Locking(q)
	}
	if err := q.Scan(ctx); err != nil {
		return u, db.NotFound(err, msg.NotFoundUser)
	}
	return u, nil
}

func (s Store) userByEmail(ctx context.Context, idb bun.IDB, email string) (User, error) {
	var u User
	if err := idb.NewSelect().Model(&u).Where("email = ?", email).Scan(ctx); err != nil {
		return u, db.NotFound(err, msg.NotFoundUser)
	}
	return u, nil
}

func (s Store) updateUser(ctx context.Context, idb bun.IDB, u *User, cols ...string) error {
	if _, err := idb.NewUpdate().Model(u).Column(cols...).WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("update user %s: %w", u.ID, err)
	}
	return nil
}

func (s Store) skills(ctx context.Context, idb bun.IDB, userID string) ([]string, error) {
	skills := []string{}
	err := idb.NewSelect().Table("user_skills").Column("skill").Where("user_id = ?", userID).Order("skill").Scan(ctx, &skills)
	if err != nil {
		return nil, fmt.Errorf("read skills: %w", err)
	}
	return skills, nil
}

func (s Store) replaceSkills(ctx context.Context, idb bun.IDB, userID string, skills []string) error {
	if _, err := idb.NewDelete().Table("user_skills").Where("user_id = ?", userID).Exec(ctx); err != nil {
		return fmt.Errorf("clear skills: %w", err)
	}
	if len(skills) == 0 {
		return nil
	}
	rows := make([]userSkill, 0, len(skills))
	for _, sk := range skills {
		rows = append(rows, userSkill{UserID: userID, Skill: sk})
	}
	if _, err := idb.NewInsert().Model(&rows).Exec(ctx); err != nil {
		return fmt.Errorf("write skills: %w", err)
	}
	return nil
}

func (s Store) companyOfUser(ctx context.Context, idb bun.IDB, userID string) (Company, error) {
	var c Company
	err := idb.NewSelect().Model(&c).ColumnExpr("co.*").ColumnExpr("u.email AS email").
		Join("JOIN users AS u ON u.id = co.user_id").Where("co.user_id = ?", userID).Scan(ctx)
	if err != nil {
		return c, db.NotFound(err, msg.NotFoundCompany)
	}
	return c, nil
}

func (s Store) company(ctx context.Context, idb bun.IDB, id string) (Company, error) {
	var c Company
	err := idb.NewSelect().Model(&c).ColumnExpr("co.*").ColumnExpr("u.email AS email").
		Join("JOIN users AS u ON u.id = co.user_id").Where("co.id = ?", id).Scan(ctx)
	if err != nil {
		return c, db.NotFound(err, msg.NotFoundCompany)
	}
	return c, nil
}

func (s Store) updateCompany(ctx context.Context, idb bun.IDB, c *Company, cols ...string) error {
	if _, err := idb.NewUpdate().Model(c).Column(cols...).WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("update company %s: %w", c.ID, err)
	}
	return nil
}

func (s Store) listUsers(ctx context.Context, idb bun.IDB, role string, p page.Params) ([]User, error) {
	var us []User
	q := idb.NewSelect().Model(&us).Order("id").Limit(int64(p.Limit + 1))
	if role != "" {
		q = q.Where("role = ?", role)
	}
	if len(p.After) > 0 {
		q = q.Where("id > ?", p.After[0])
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return us, nil
}

func (s Store) listCompanies(ctx context.Context, idb bun.IDB, status string, p page.Params) ([]Company, error) {
	var cs []Company
	q := idb.NewSelect().Model(&cs).ColumnExpr("co.*").ColumnExpr("u.email AS email").
		Join("JOIN users AS u ON u.id = co.user_id").Order("co.id").Limit(int64(p.Limit + 1))
	if status != "" {
		q = q.Where("co.status = ?", status)
	}
	if len(p.After) > 0 {
		q = q.Where("co.id > ?", p.After[0])
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list companies: %w", err)
	}
	return cs, nil
}

// CredentialsByEmail implements auth.Users.
func (s Store) CredentialsByEmail(ctx context.Context, idb bun.IDB, email string) (auth.Credentials, error) {
	u, err := s.userByEmail(ctx, idb, email)
	if err != nil {
		return auth.Credentials{}, err
	}
	return auth.Credentials{UserID: u.ID, Email: u.Email, Role: u.Role, PasswordHash: u.PasswordHash, Active: u.Active}, nil
}

// CredentialsByID implements auth.Users.
func (s Store) CredentialsByID(ctx context.Context, idb bun.IDB, id string) (auth.Credentials, error) {
	u, err := s.user(ctx, idb, id, false)
	if err != nil {
		return auth.Credentials{}, err
	}
	return auth.Credentials{UserID: u.ID, Email: u.Email, Role: u.Role, PasswordHash: u.PasswordHash, Active: u.Active}, nil
}

// SetPasswordHash implements auth.Users.
func (s Store) SetPasswordHash(ctx context.Context, idb bun.IDB, id, hash string, now time.Time) error {
	_, err := idb.NewUpdate().Model((*User)(nil)).
		Set("password_hash = ?", hash).Set("updated_at = ?", now).
		Where("id = ?", id).Exec(ctx)
	if err != nil {
		return fmt.Errorf("set password of %s: %w", id, err)
	}
	return nil
}

// ReplacePasswordHash implements auth.Users: a conditional update, so that
// a password changed since oldHash was read is never overwritten.
func (s Store) ReplacePasswordHash(ctx context.Context, idb bun.IDB, userID, oldHash, newHash string, now time.Time) (bool, error) {
	res, err := idb.NewUpdate().Model((*User)(nil)).
		Set("password_hash = ?", newHash).Set("updated_at = ?", now).
		Where("id = ?", userID).Where("password_hash = ?", oldHash).
		Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("replace password hash of %s: %w", userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("replace password hash of %s: %w", userID, err)
	}
	return n == 1, nil
}

// ActorByID implements auth.Users. Every authenticated request runs it,
// so it is a prepared statement on PostgreSQL (db.Query).
func (s Store) ActorByID(ctx context.Context, idb bun.IDB, id string) (auth.Actor, bool, error) {
	var rows []struct {
		ID     string    `bun:"id"`
		Role   auth.Role `bun:"role"`
		Active bool      `bun:"active"`
	}
	if err := db.Query(ctx, idb, &rows, "SELECT id, role, active FROM users WHERE id = ?0", id); err != nil {
		return auth.Actor{}, false, fmt.Errorf("read user %s: %w", id, err)
	}
	if len(rows) == 0 {
		return auth.Actor{}, false, apperr.NotFound(msg.NotFoundUser)
	}
	return auth.Actor{ID: rows[0].ID, Role: rows[0].Role}, rows[0].Active, nil
}
