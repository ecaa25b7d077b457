package privacy

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// Store is the SQL of consents, profile views, erasure and the export.
type Store struct{}

func (Store) consents(ctx context.Context, idb bun.IDB, userID string, after *position, limit int) ([]Consent, error) {
	cs := []Consent{}
	q := idb.NewSelect().Model(&cs).Where("user_id = ?", userID).OrderExpr("at, id").Limit(int64(limit))
	if after != nil {
		q = q.Where("(at > ? OR (at = ? AND id > ?))", after.At, after.At, after.ID)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("consents of %s: %w", userID, err)
	}
	return cs, nil
}

// profileViews lists a graduate's views, newest first: the rows of
// profile_views and the exports they were in (profile_export_members),
// each export one view of kind export, found by a probe of the member
// table's key (export, graduate) per export.
func (Store) profileViews(ctx context.Context, idb bun.IDB, graduateID string, after *position, limit int) ([]ProfileView, error) {
	vs := []ProfileView{}
	args := []any{graduateID, limit}
	viewsAfter, exportsAfter := "", ""
	if after != nil {
		args = append(args, after.At, after.ID)
		viewsAfter = " AND (pv.at < ?2 OR (pv.at = ?2 AND pv.id < ?3))"
		exportsAfter = " AND (pe.at < ?2 OR (pe.at = ?2 AND pe.id < ?3))"
	}
	q := `SELECT v.* FROM (
SELECT pv.id, pv.graduate_id, pv.company_id, co.name AS company_name, pv.kind, pv.at
FROM profile_views AS pv JOIN companies AS co ON co.id = pv.company_id
WHERE pv.graduate_id = ?0` + viewsAfter + `
UNION ALL
SELECT pe.id, m.graduate_id, pe.company_id, co.name AS company_name, 'export' AS kind, pe.at
FROM profile_exports AS pe
JOIN profile_export_members AS m ON m.export_id = pe.id AND m.graduate_id = ?0
JOIN companies AS co ON co.id = pe.company_id
WHERE TRUE` + exportsAfter + `
) AS v ORDER BY v.at DESC, v.id DESC LIMIT ?1`
	if err := db.Query(ctx, idb, &vs, q, args...); err != nil {
		return nil, fmt.Errorf("profile views of %s: %w", graduateID, err)
	}
	return vs, nil
}

// erasable is what erasure needs to know of an account first.
type erasable struct {
	Email    string     `bun:"email"`
	Role     string     `bun:"role"`
	ErasedAt *time.Time `bun:"erased_at"`
}

func (Store) lockUser(ctx context.Context, idb bun.IDB, id string) (erasable, bool, error) {
	var rows []erasable
	q := "SELECT email, role, erased_at FROM users WHERE id = ?0" + db.LockClause(idb, db.ForUpdate(""))
	if err := db.Query(ctx, idb, &rows, q, id); err != nil {
		return erasable{}, false, fmt.Errorf("read user %s: %w", id, err)
	}
	if len(rows) == 0 {
		return erasable{}, false, nil
	}
	return rows[0], true, nil
}

// ErasedEmail is the address an erased account keeps: the column is
// unique and required, and this value is unique per account, names no
// one, and lies in a domain that can never receive mail (RFC 2606), so the
// person's own address is free to register again.
func ErasedEmail(userID string) string { return "erased-" + userID + "@erased.invalid" }

// erase removes every personal field of the user in tx: the account's
// name, e-mail, phone and profile; their skills and pending reset tokens;
// and the free text others or they wrote about them (contact messages,
// placement reasons, revocation reasons, hire positions, employers,
// survey comments, register notes); their calendar feed, their rows in
// employer demands' matches and the e-mails not yet sent. What stays is pseudonymous: ids, dates, statuses,
// scores, for the programme's statistics and certificate verification.
// The failed-login counters keyed by the e-mail go too.
func (Store) erase(ctx context.Context, tx bun.IDB, userID, email, lockedHash string, now time.Time) error {
	find := "instr(key, ?0) > 0"
	if db.IsPostgres(tx) {
		find = "strpos(key, ?0) > 0"
	}
	steps := []struct {
		what, query string
		args        []any
	}{
		{"account", `UPDATE users SET email = ?1, name = '', search_name = '', phone = NULL, career_stage = NULL,
    region = NULL, pool_opt_in = FALSE, pool_opt_in_changed_at = ?2, password_hash = ?3, active = FALSE,
    erased_at = ?2, updated_at = ?2 WHERE id = ?0`, []any{userID, ErasedEmail(userID), now, lockedHash}},
		{"skills", "DELETE FROM user_skills WHERE user_id = ?0", []any{userID}},
		{"reset tokens", "DELETE FROM password_resets WHERE user_id = ?0", []any{userID}},
		{"contact messages", "UPDATE contact_requests SET message = '' WHERE trainee_id = ?0 OR sent_by = ?0", []any{userID}},
		{"placement reasons", "UPDATE placements SET reason = '' WHERE trainee_id = ?0", []any{userID}},
		{"revocation reasons", "UPDATE certificates SET revoke_reason = NULL WHERE trainee_id = ?0 AND revoke_reason IS NOT NULL", []any{userID}},
		{"hire positions", "UPDATE hires SET position = '' WHERE trainee_id = ?0", []any{userID}},
		{"employers", "UPDATE employments SET employer = '' WHERE trainee_id = ?0", []any{userID}},
		{"survey comments", "UPDATE surveys SET comment = NULL WHERE trainee_id = ?0", []any{userID}},
		{"attendance notes", "UPDATE attendance_records SET note = '' WHERE enrolment_id IN (SELECT id FROM enrolments WHERE trainee_id = ?0)", []any{userID}},
		{"calendar feed", "DELETE FROM calendar_feeds WHERE user_id = ?0", []any{userID}},
		{"demand matches", "DELETE FROM demand_match_facts WHERE trainee_id = ?0", []any{userID}},
		{"pending e-mail", "DELETE FROM mail_jobs WHERE user_id = ?0 AND state = 'pending'", []any{userID}},
		{"login counters", "DELETE FROM rate_counters WHERE " + find, []any{email}},
	}
	for _, s := range steps {
		if _, err := db.Exec(ctx, tx, s.query, s.args...); err != nil {
			return fmt.Errorf("erase %s of %s: %w", s.what, userID, err)
		}
	}
	return nil
}
