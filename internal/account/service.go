package account

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/platform/page"
	"github.com/skillgrid/skillgrid/internal/platform/ratelimit"
	"github.com/skillgrid/skillgrid/internal/platform/skills"
	"github.com/skillgrid/skillgrid/internal/privacy"
)

// Levels reads a trainee's level per track; the catalogue provides it.
type Levels interface {
	TraineeLevels(ctx context.Context, idb bun.IDB, traineeID string) (map[string]int, error)
}

// Sessions ends a user's sessions inside the caller's transaction.
type Sessions interface {
	RevokeUser(ctx context.Context, idb bun.IDB, userID string) error
}

// Service holds the rules of accounts. Make it with New.
type Service struct {
	DB       *bun.DB
	Store    Store
	Hasher   *auth.Hasher
	Sessions Sessions
	Levels   Levels
	// Registrations bounds self-registrations per client address.
	Registrations ratelimit.Limiter
	Now           func() time.Time
}

// New is the accounts service over d: users' SQL in users, passwords
// hashed by hasher, sessions ended through sessions, trainees' levels read
// through levels, self-registrations bounded by registrations, the clock
// now. Every dependency is required.
func New(d *bun.DB, users Store, hasher *auth.Hasher, sessions Sessions, levels Levels, registrations ratelimit.Limiter, now func() time.Time) (*Service, error) {
	if d == nil || hasher == nil || sessions == nil || levels == nil || now == nil {
		return nil, errors.New("account.New: the database, the hasher, sessions, levels and the clock are required")
	}
	return &Service{
		DB: d, Store: users, Hasher: hasher, Sessions: sessions, Levels: levels,
		Registrations: registrations, Now: now,
	}, nil
}

// RegistrationsPerHour bounds self-registrations per client address.
const RegistrationsPerHour = 10

// SelfRegister is Register asked by anyone from client address addr, which
// may do so RegistrationsPerHour times an hour (then apperr.RateLimited).
func (s *Service) SelfRegister(ctx context.Context, addr string, in NewUser) (Profile, error) {
	now := s.Now().UTC()
	if err := s.Registrations.Hit(ctx, addr, now); err != nil {
		return Profile{}, err
	}
	p, err := s.Register(ctx, in)
	if apperr.IsKind(err, apperr.KindUnavailable) {
		// The server was too busy to try: the attempt does not count.
		if rerr := s.Registrations.Release(ctx, addr, now); rerr != nil {
			return Profile{}, rerr
		}
	}
	return p, err
}

// Register makes a trainee or a company account. Companies start pending.
func (s *Service) Register(ctx context.Context, in NewUser) (Profile, error) {
	if in.Role != auth.Trainee && in.Role != auth.Company {
		return Profile{}, apperr.Invalid(apperr.Field("role", msg.RoleTraineeOrCompany))
	}
	return s.create(ctx, "", in)
}

// CreateUser is the admin making an instructor or another admin.
func (s *Service) CreateUser(ctx context.Context, actor auth.Actor, in NewUser) (Profile, error) {
	if in.Role != auth.Instructor && in.Role != auth.Admin {
		return Profile{}, apperr.Invalid(apperr.Field("role", msg.RoleStaffRegisterSelf))
	}
	return s.create(ctx, actor.ID, in)
}

// CreateAccount makes an instructor or admin from the command line, with the
// same checks the API applies at its edge.
func (s *Service) CreateAccount(ctx context.Context, in NewUser) (Profile, error) {
	var bad []apperr.FieldError
	if in.Role != auth.Instructor && in.Role != auth.Admin {
		bad = append(bad, apperr.Field("role", msg.RoleStaff))
	}
	if e := normaliseEmail(in.Email); !strings.Contains(e, "@") || strings.ContainsAny(e, " \t") {
		bad = append(bad, apperr.Field("email", msg.FieldEmail))
	}
	if m, ok := auth.PasswordCheck(in.Password); ok {
		bad = append(bad, apperr.Field("password", m.ID, m.Args...))
	}
	if strings.TrimSpace(in.Name) == "" {
		bad = append(bad, apperr.Field("name", msg.FieldRequired))
	}
	if len(bad) > 0 {
		return Profile{}, apperr.Invalid(bad...)
	}
	return s.create(ctx, "", in)
}

func (s *Service) create(ctx context.Context, actorID string, in NewUser) (Profile, error) {
	if in.Role == auth.Company && strings.TrimSpace(in.CompanyName) == "" {
		return Profile{}, apperr.Invalid(apperr.Field("company_name", msg.CompanyNameRequired))
	}
	hash, err := s.Hasher.Hash(ctx, in.Password)
	if err != nil {
		return Profile{}, err
	}
	now := s.Now().UTC()
	locale, _ := msg.ParseLang(string(in.Locale))
	u := User{
		ID: ids.New(), Email: normaliseEmail(in.Email), PasswordHash: hash,
		Name: strings.TrimSpace(in.Name), Role: in.Role, Active: true, Locale: string(locale),
		CreatedAt: now, UpdatedAt: now,
	}
	u.SearchName = SearchName(u.Name)
	err = db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		if err := s.Store.insertUser(ctx, tx, &u); err != nil {
			return err
		}
		source := privacy.SourceRegistration
		if in.Role == auth.Instructor || in.Role == auth.Admin {
			source = privacy.SourceAdmin
		}
		if err := privacy.RecordConsent(ctx, tx, u.ID, privacy.PurposeTerms, true, source, now); err != nil {
			return err
		}
		if in.Role == auth.Company {
			c := Company{ID: ids.New(), UserID: u.ID, Name: strings.TrimSpace(in.CompanyName), Status: CompanyPending, CreatedAt: now}
			if err := s.Store.insertCompany(ctx, tx, &c); err != nil {
				return err
			}
		}
		if actorID != "" {
			return audit.Record(ctx, tx, now, audit.Change{
				ActorID: actorID, Action: "user.created", Entity: "user", EntityID: u.ID,
				After: u.audited(),
			})
		}
		return nil
	})
	if err != nil {
		return Profile{}, err
	}
	return s.profile(ctx, s.DB, u)
}

// EnsureAdmin makes the bootstrap admin unless an account with that email
// exists; it is safe to run at every start. It reports whether it made one.
func (s *Service) EnsureAdmin(ctx context.Context, email, password string) (bool, error) {
	_, err := s.Store.userByEmail(ctx, s.DB, normaliseEmail(email))
	if err == nil {
		return false, nil
	}
	if !apperr.IsKind(err, apperr.KindNotFound) {
		return false, err
	}
	_, err = s.create(ctx, "", NewUser{Email: email, Password: password, Name: "Administrator", Role: auth.Admin})
	if apperr.Is(err, "email_taken") { // another process won the race
		return false, nil
	}
	return err == nil, err
}

// Me is the caller's own profile.
func (s *Service) Me(ctx context.Context, actor auth.Actor) (Profile, error) {
	u, err := s.Store.user(ctx, s.DB, actor.ID, false)
	if err != nil {
		return Profile{}, err
	}
	return s.profile(ctx, s.DB, u)
}

// UpdateMe changes the caller's own profile. Trainee fields are refused for
// other roles. A change of pool consent is timestamped and audited; so is a
// change of locale, the language of what is sent to the user later.
func (s *Service) UpdateMe(ctx context.Context, actor auth.Actor, p ProfilePatch) (Profile, error) {
	var bad []apperr.FieldError
	if actor.Role != auth.Trainee {
		for name, set := range map[string]bool{
			"skills": p.Skills != nil, "career_stage": p.CareerStage != nil,
			"region": p.Region != nil, "pool_opt_in": p.PoolOptIn != nil,
		} {
			if set {
				bad = append(bad, apperr.Field(name, msg.TraineeOnlyField))
			}
		}
	}
	if p.Locale != nil {
		if _, ok := msg.ParseLang(*p.Locale); !ok {
			bad = append(bad, apperr.Field("locale", msg.FieldOneOf, "values", []string{string(msg.English), string(msg.Korean)}))
		}
	}
	for t := range p.EmailNotifications {
		if !events.Known(events.Type(t)) {
			bad = append(bad, apperr.Field("email_notifications", msg.UnknownEventType, "type", t))
		}
	}
	if len(bad) > 0 {
		sort.Slice(bad, func(i, j int) bool { return bad[i].Field < bad[j].Field })
		return Profile{}, apperr.Invalid(bad...)
	}
	now := s.Now().UTC()
	var out User
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		u, err := s.Store.user(ctx, tx, actor.ID, true)
		if err != nil {
			return err
		}
		cols := []string{"updated_at"}
		if p.Name != nil {
			u.Name = strings.TrimSpace(*p.Name)
			u.SearchName = SearchName(u.Name)
			cols = append(cols, "name", "search_name")
		}
		if p.Phone != nil {
			u.Phone = emptyToNil(*p.Phone)
			cols = append(cols, "phone")
		}
		if p.CareerStage != nil {
			u.CareerStage = emptyToNil(*p.CareerStage)
			cols = append(cols, "career_stage")
		}
		if p.Region != nil {
			u.Region = emptyToNil(*p.Region)
			cols = append(cols, "region")
		}
		if p.PoolOptIn != nil && *p.PoolOptIn != u.PoolOptIn {
			before := map[string]any{"pool_opt_in": u.PoolOptIn}
			u.PoolOptIn = *p.PoolOptIn
			u.PoolOptInChangedAt = &now
			cols = append(cols, "pool_opt_in", "pool_opt_in_changed_at")
			if err := privacy.RecordConsent(ctx, tx, u.ID, privacy.PurposePool, u.PoolOptIn, privacy.SourceProfile, now); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, now, audit.Change{
				ActorID: actor.ID, Action: "consent.changed", Entity: "user", EntityID: u.ID,
				Before: before, After: map[string]any{"pool_opt_in": u.PoolOptIn},
			}); err != nil {
				return err
			}
		}
		if p.Locale != nil && *p.Locale != u.Locale {
			before := map[string]any{"locale": u.Locale}
			u.Locale = *p.Locale
			cols = append(cols, "locale")
			if err := audit.Record(ctx, tx, now, audit.Change{
				ActorID: actor.ID, Action: "locale.changed", Entity: "user", EntityID: u.ID,
				Before: before, After: map[string]any{"locale": u.Locale},
			}); err != nil {
				return err
			}
		}
		if len(p.EmailNotifications) > 0 {
			before := EmailWanted(u.EmailNotificationsJSON)
			off := map[string]bool{}
			for t, want := range before {
				if w, set := p.EmailNotifications[t]; set {
					want = w
				}
				if !want {
					off[t] = false
				}
			}
			b, _ := json.Marshal(off)
			u.EmailNotificationsJSON = string(b)
			cols = append(cols, "email_notifications_json")
			if err := audit.Record(ctx, tx, now, audit.Change{
				ActorID: actor.ID, Action: "email_notifications.changed", Entity: "user", EntityID: u.ID,
				Before: before, After: EmailWanted(u.EmailNotificationsJSON),
			}); err != nil {
				return err
			}
			// The consent history records e-mail as granted while any type
			// the user may turn off still goes by e-mail; the audit trail
			// keeps the types.
			if was, is := anyEmailWanted(before), anyEmailWanted(EmailWanted(u.EmailNotificationsJSON)); was != is {
				if err := privacy.RecordConsent(ctx, tx, u.ID, privacy.PurposeEmail, is, privacy.SourceProfile, now); err != nil {
					return err
				}
			}
		}
		if p.Skills != nil {
			if err := s.Store.replaceSkills(ctx, tx, u.ID, skills.Normalise(*p.Skills)); err != nil {
				return err
			}
		}
		u.UpdatedAt = now
		out = u
		return s.Store.updateUser(ctx, tx, &u, cols...)
	})
	if err != nil {
		return Profile{}, err
	}
	return s.profile(ctx, s.DB, out)
}

// ListUsers is the admin's list of users, optionally of one role.
func (s *Service) ListUsers(ctx context.Context, role string, p page.Params) (page.Page[UserSummary], error) {
	if _, err := page.Key(p.After, 1); err != nil {
		return page.Page[UserSummary]{}, err
	}
	us, err := s.Store.listUsers(ctx, s.DB, role, p)
	if err != nil {
		return page.Page[UserSummary]{}, err
	}
	out := make([]UserSummary, len(us))
	for i, u := range us {
		out[i] = u.summary()
	}
	return page.Build(out, p.Limit, func(u UserSummary) []string { return []string{u.ID} }), nil
}

// UpdateUser is the admin changing a user's name or deactivating them.
// Deactivation revokes every refresh token in the same transaction; access
// tokens stop at once because every request checks the account is active.
func (s *Service) UpdateUser(ctx context.Context, actor auth.Actor, id string, p UserPatch) (Profile, error) {
	if p.Active != nil && !*p.Active && id == actor.ID {
		return Profile{}, apperr.Rule("self_deactivation", msg.SelfDeactivation)
	}
	if !ids.Valid(id) {
		return Profile{}, apperr.NotFound(msg.NotFoundUser)
	}
	now := s.Now().UTC()
	var out User
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		u, err := s.Store.user(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if u.ErasedAt != nil {
			// Nothing personal is left to change, and an erased account
			// must not be brought back.
			return apperr.NotFound(msg.NotFoundUser)
		}
		before := u.audited()
		cols := []string{"updated_at"}
		renamed := false
		if p.Name != nil {
			renamed = strings.TrimSpace(*p.Name) != u.Name
			u.Name = strings.TrimSpace(*p.Name)
			u.SearchName = SearchName(u.Name)
			cols = append(cols, "name", "search_name")
		}
		if p.Active != nil && *p.Active != u.Active {
			u.Active = *p.Active
			cols = append(cols, "active")
			if !u.Active {
				if err := s.Sessions.RevokeUser(ctx, tx, u.ID); err != nil {
					return err
				}
			}
		}
		u.UpdatedAt = now
		if err := s.Store.updateUser(ctx, tx, &u, cols...); err != nil {
			return err
		}
		out = u
		action := "user.updated"
		if before["active"] == true && !u.Active {
			action = "user.deactivated"
		} else if before["active"] == false && u.Active {
			action = "user.reactivated"
		}
		after := u.audited()
		if renamed {
			after["name_changed"] = true
		}
		return audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: action, Entity: "user", EntityID: u.ID,
			Before: before, After: after,
		})
	})
	if err != nil {
		return Profile{}, err
	}
	return s.profile(ctx, s.DB, out)
}

// ListCompanies is the admin's list of companies, optionally of one status.
func (s *Service) ListCompanies(ctx context.Context, status string, p page.Params) (page.Page[Company], error) {
	if _, err := page.Key(p.After, 1); err != nil {
		return page.Page[Company]{}, err
	}
	cs, err := s.Store.listCompanies(ctx, s.DB, status, p)
	if err != nil {
		return page.Page[Company]{}, err
	}
	return page.Build(cs, p.Limit, func(c Company) []string { return []string{c.ID} }), nil
}

// DecideCompany approves or rejects a company. Deciding the status it
// already has is a conflict; a rejection needs a reason the company can read.
func (s *Service) DecideCompany(ctx context.Context, actor auth.Actor, id, status, reason string) (Company, error) {
	if !ids.Valid(id) {
		return Company{}, apperr.NotFound(msg.NotFoundCompany)
	}
	now := s.Now().UTC()
	var out Company
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		c, err := s.Store.company(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.Status == status {
			already := msg.CompanyAlreadyApproved
			if status == CompanyRejected {
				already = msg.CompanyAlreadyRejected
			}
			return apperr.Conflict("company_already_"+status, already)
		}
		before := map[string]any{"status": c.Status, "rejection_reason": c.RejectionReason}
		c.Status = status
		c.DecidedAt = &now
		c.RejectionReason = nil
		if status == CompanyRejected {
			r := strings.TrimSpace(reason)
			c.RejectionReason = &r
		}
		if err := s.Store.updateCompany(ctx, tx, &c, "status", "decided_at", "rejection_reason"); err != nil {
			return err
		}
		out = c
		t := events.CompanyApproved
		if status == CompanyRejected {
			t = events.CompanyRejected
		}
		if err := events.Record(ctx, tx, events.Event{
			Type: t, Subject: "/v1/companies/" + c.ID, At: now, Recipients: []string{c.UserID},
			Data: companyData{CompanyID: c.ID, Company: c.Name, Status: c.Status, Reason: c.RejectionReason},
		}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "company." + status, Entity: "company", EntityID: c.ID,
			Before: before, After: map[string]any{"status": c.Status, "rejection_reason": c.RejectionReason},
		})
	})
	return out, err
}

// CompanyOf returns the company account of a company user.
func (s *Service) CompanyOf(ctx context.Context, userID string) (Company, error) {
	return s.Store.companyOfUser(ctx, s.DB, userID)
}

// profile assembles what /me shows for u.
func (s *Service) profile(ctx context.Context, idb bun.IDB, u User) (Profile, error) {
	p := Profile{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Active: u.Active, Phone: u.Phone, Locale: u.Locale,
		EmailNotifications: EmailWanted(u.EmailNotificationsJSON), CreatedAt: u.CreatedAt}
	switch u.Role {
	case auth.Trainee:
		skills, err := s.Store.skills(ctx, idb, u.ID)
		if err != nil {
			return p, err
		}
		levels, err := s.Levels.TraineeLevels(ctx, idb, u.ID)
		if err != nil {
			return p, err
		}
		p.TraineeProfile = &TraineeProfile{
			Levels: levels, Skills: skills, CareerStage: u.CareerStage, Region: u.Region, PoolOptIn: u.PoolOptIn,
		}
	case auth.Company:
		c, err := s.Store.companyOfUser(ctx, idb, u.ID)
		if err != nil {
			return p, fmt.Errorf("company of %s: %w", u.ID, err)
		}
		p.Company = &c
	}
	return p, nil
}

func normaliseEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

func emptyToNil(s string) *string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	return &s
}

// anyEmailWanted reports whether any notification type the user may turn
// off still goes by e-mail.
func anyEmailWanted(wanted map[string]bool) bool {
	for t, on := range wanted {
		if on && t != string(events.PasswordResetRequested) {
			return true
		}
	}
	return false
}
