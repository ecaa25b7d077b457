package pool

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// Store is the SQL of the pool: the graduate search, contact requests and
// hires, and the reads of users, companies and completions they need.
type Store struct {
	DB *bun.DB
}

// company is what the pool needs of a company account.
type company struct {
	ID     string `bun:"id"`
	Name   string `bun:"name"`
	Status string `bun:"status"`
}

func (s Store) companyOfUser(ctx context.Context, idb bun.IDB, userID string) (company, error) {
	var c company
	err := idb.NewSelect().Table("companies").Column("id", "name", "status").Where("user_id = ?", userID).Scan(ctx, &c)
	if err != nil {
		return c, db.NotFound(err, "company")
	}
	return c, nil
}

// key is a graduate's place in the pool's order: their most recent
// completion, then their id (both descending).
type key struct {
	ID              string    `bun:"id"`
	LastCompletedAt time.Time `bun:"last_completed_at"`
}

// graduatesQuery selects the keys of the graduates that match f after the
// key `after` (nil for the start), newest completion first.
//
// It walks completed enrolments backwards along an index by completion
// time (enrolments_completed_recent_idx on PostgreSQL; SQLite picks the
// equivalent enrolments_status_recorded_idx) and keeps the row that is its trainee's
// latest completion (the NOT EXISTS), so each graduate appears once, at
// their latest completion, and the walk stops as soon as the page is full:
// no aggregation over the whole pool. Every filter is checked on the rows
// walked, through the trainee's primary key or an index. Consent
// (pool_opt_in), an active account and the trainee role are read from
// users on every query, so opting out takes effect at once.
//
// The CROSS JOIN pins the join order on SQLite, which would otherwise turn
// a skill's EXISTS into a join, start from users and sort the whole pool
// (100 ms instead of 10 ms on 100,000 trainees); PostgreSQL reads it as a
// plain join. Measured with cmd/bench-pool (README, Benchmarks):
//
//	SQLite:     SEARCH e USING INDEX enrolments_status_recorded_idx ..., SEARCH u ... (id=?)
//	PostgreSQL: Index Scan Backward using enrolments_completed_recent_idx on enrolments e, Nested Loop Anti Join
func (s Store) graduatesQuery(idb bun.IDB, f Filter, after *key, limit int) *bun.SelectQuery {
	q := idb.NewSelect().
		TableExpr("enrolments AS e CROSS JOIN users AS u").
		ColumnExpr("e.trainee_id AS id, e.result_recorded_at AS last_completed_at").
		Where("u.id = e.trainee_id").
		Where("e.status = 'completed'").
		Where("e.result_recorded_at IS NOT NULL").
		Where("u.role = 'trainee'").Where("u.active").Where("u.pool_opt_in").
		OrderExpr("e.result_recorded_at DESC, e.trainee_id DESC").
		Limit(int64(limit))
	if after != nil {
		q = q.Where("(e.result_recorded_at, e.trainee_id) < (?, ?)", after.LastCompletedAt, after.ID)
	}
	// The latest-completion check last: it is the dearest term.
	return filtered(q, f).Where(`NOT EXISTS (SELECT 1 FROM enrolments AS l
  WHERE l.trainee_id = u.id AND l.status = 'completed'
    AND (l.result_recorded_at > e.result_recorded_at OR (l.result_recorded_at = e.result_recorded_at AND l.id > e.id)))`)
}

// filtered adds f's conditions to a query over graduates whose user row
// is u and whose completion being walked is e. The subqueries correlate on
// u.id, so that they run inside the loop over u (with u's own checks)
// rather than for every completion walked.
func filtered(q *bun.SelectQuery, f Filter) *bun.SelectQuery {
	if f.CompletedAfter != "" {
		from, _ := time.Parse(time.DateOnly, f.CompletedAfter) // checked by the service
		q = q.Where("e.result_recorded_at >= ?", from)
	}
	if f.Region != "" {
		q = q.Where("u.region = ?", f.Region)
	}
	if f.CareerStage != "" {
		q = q.Where("u.career_stage = ?", f.CareerStage)
	}
	if len(f.Skills) > 0 {
		q = q.Where("EXISTS (SELECT 1 FROM user_skills AS us WHERE us.user_id = u.id AND us.skill IN (?))", bun.In(f.Skills))
	}
	if f.Track != "" || f.MinLevel > 0 {
		// The catalogue's level rule: the highest level completed in the
		// track, or the latest placement in it if that is higher.
		minLevel := max(f.MinLevel, 1)
		course, placed := "", ""
		args := []any{minLevel}
		if f.Track != "" {
			course, placed = " AND lc.track = ?", " AND p.track = ?"
			args = append(args, f.Track)
		}
		args = append(args, args...)
		q = q.Where(`(EXISTS (SELECT 1 FROM enrolments AS le
    JOIN cohorts AS lch ON lch.id = le.cohort_id JOIN courses AS lc ON lc.id = lch.course_id
   WHERE le.trainee_id = u.id AND le.status = 'completed' AND lc.level >= ?`+course+`)
 OR EXISTS (SELECT 1 FROM placements AS p
   WHERE p.trainee_id = u.id AND p.level >= ?`+placed+`
     AND p.id = (SELECT MAX(p2.id) FROM placements AS p2 WHERE p2.trainee_id = p.trainee_id AND p2.track = p.track)))`, args...)
	}
	if f.Q != "" {
		like := "%" + escapeLike(f.Q) + "%"
		q = q.Where(`(u.search_name LIKE ? ESCAPE '\' OR EXISTS (SELECT 1 FROM enrolments AS qe
    JOIN cohorts AS qch ON qch.id = qe.cohort_id JOIN courses AS qc ON qc.id = qch.course_id
   WHERE qe.trainee_id = u.id AND qe.status = 'completed' AND qc.search_text LIKE ? ESCAPE '\'))`, like, like)
	}
	return q
}

// escapeLike makes s match literally inside a LIKE pattern escaped by \.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// graduates reads the keys of up to limit graduates matching f after the
// key after (nil for the start).
func (s Store) graduates(ctx context.Context, idb bun.IDB, f Filter, after *key, limit int) ([]key, error) {
	var out []key
	if err := s.graduatesQuery(idb, f, after, limit).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("search graduates: %w", err)
	}
	return out, nil
}

// graduate reads the key of one graduate, or NotFound if the user is not
// in the pool (no such trainee, no completion, opted out or inactive).
func (s Store) graduate(ctx context.Context, idb bun.IDB, id string) (key, error) {
	var out []key
	err := idb.NewSelect().
		TableExpr("enrolments AS e").
		ColumnExpr("e.trainee_id AS id, MAX(e.result_recorded_at) AS last_completed_at").
		Join("JOIN users AS u ON u.id = e.trainee_id").
		Where("e.trainee_id = ?", id).
		Where("e.status = 'completed'").
		Where("u.role = 'trainee'").Where("u.active").Where("u.pool_opt_in").
		GroupExpr("e.trainee_id").
		Scan(ctx, &out)
	if err != nil {
		return key{}, fmt.Errorf("find graduate %s: %w", id, err)
	}
	if len(out) == 0 {
		return key{}, apperr.NotFound("graduate")
	}
	return out[0], nil
}

// profile is the part of a graduate read from users.
type profile struct {
	ID          string  `bun:"id"`
	Name        string  `bun:"name"`
	CareerStage *string `bun:"career_stage"`
	Region      *string `bun:"region"`
}

// profiles reads the graduates' names and profile fields, keyed by id;
// only those still in the pool's audience (trainees, active, opted in).
// Never their email or phone.
func (s Store) profiles(ctx context.Context, idb bun.IDB, ids []string) (map[string]profile, error) {
	var rows []profile
	err := idb.NewSelect().Table("users").Column("id", "name", "career_stage", "region").
		Where("id IN (?)", bun.In(ids)).Where("role = 'trainee'").Where("active").Where("pool_opt_in").
		Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("read graduates: %w", err)
	}
	out := make(map[string]profile, len(rows))
	for _, r := range rows {
		out[r.ID] = r
	}
	return out, nil
}

// skills reads the users' skill tags, keyed by user id, in order.
func (s Store) skills(ctx context.Context, idb bun.IDB, ids []string) (map[string][]string, error) {
	var rows []struct {
		UserID string `bun:"user_id"`
		Skill  string `bun:"skill"`
	}
	err := idb.NewSelect().Table("user_skills").Column("user_id", "skill").
		Where("user_id IN (?)", bun.In(ids)).Order("user_id", "skill").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("read skills: %w", err)
	}
	out := map[string][]string{}
	for _, r := range rows {
		out[r.UserID] = append(out[r.UserID], r.Skill)
	}
	return out, nil
}

// completions reads the trainees' completed courses, newest first, with
// the code of each one's valid certificate, keyed by trainee id.
func (s Store) completions(ctx context.Context, idb bun.IDB, ids []string) (map[string][]CompletedCourse, error) {
	var rows []struct {
		TraineeID string `bun:"trainee_id"`
		CompletedCourse
	}
	err := idb.NewRaw(`SELECT e.trainee_id AS trainee_id, c.code AS code, c.title AS title, c.track AS track, c.level AS level,
       e.result_recorded_at AS completed_at, cert.code AS certificate_code
  FROM enrolments AS e
  JOIN cohorts AS ch ON ch.id = e.cohort_id
  JOIN courses AS c ON c.id = ch.course_id
  LEFT JOIN certificates AS cert ON cert.enrolment_id = e.id AND cert.status = 'valid'
 WHERE e.trainee_id IN (?) AND e.status = 'completed'
 ORDER BY e.trainee_id, e.result_recorded_at DESC, c.code`, bun.In(ids)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("read completions: %w", err)
	}
	out := map[string][]CompletedCourse{}
	for _, r := range rows {
		out[r.TraineeID] = append(out[r.TraineeID], r.CompletedCourse)
	}
	return out, nil
}

// --- contact requests

func (s Store) insertContactRequest(ctx context.Context, idb bun.IDB, cr *ContactRequest) error {
	if _, err := idb.NewInsert().Model(cr).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("contact_request_open", "you already have an open contact request to this graduate; wait for their answer")
		}
		return fmt.Errorf("insert contact request: %w", err)
	}
	return nil
}

func (s Store) contactRequest(ctx context.Context, idb bun.IDB, id string, lock bool) (ContactRequest, error) {
	var cr ContactRequest
	q := idb.NewSelect().Model(&cr).Where("cr.id = ?", id)
	if lock {
		q = db.Locking(q)
	}
	if err := q.Scan(ctx); err != nil {
		return cr, db.NotFound(err, "contact request")
	}
	return cr, nil
}

// decide moves a pending request to status; it reports false when the
// request was no longer pending.
func (s Store) decide(ctx context.Context, idb bun.IDB, cr *ContactRequest) (bool, error) {
	res, err := idb.NewUpdate().Model(cr).Column("status", "decided_at").WherePK().
		Where("status = ?", Pending).Exec(ctx)
	if err != nil {
		return false, fmt.Errorf("decide contact request %s: %w", cr.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("decide contact request %s: %w", cr.ID, err)
	}
	return n == 1, nil
}

// receivedQuery selects contact requests as their graduate sees them.
func receivedQuery(idb bun.IDB) *bun.SelectQuery {
	return idb.NewSelect().TableExpr("contact_requests AS cr").
		ColumnExpr("cr.id, cr.company_id, co.name AS company_name, cr.message, cr.status, cr.created_at, cr.decided_at").
		Join("JOIN companies AS co ON co.id = cr.company_id")
}

func (s Store) received(ctx context.Context, idb bun.IDB, id string) (Received, error) {
	var r Received
	if err := receivedQuery(idb).Where("cr.id = ?", id).Scan(ctx, &r); err != nil {
		return r, db.NotFound(err, "contact request")
	}
	return r, nil
}

// receivedBy lists the requests sent to a trainee, newest first.
func (s Store) receivedBy(ctx context.Context, idb bun.IDB, traineeID, status string, limit int, after string) ([]Received, error) {
	out := []Received{}
	q := receivedQuery(idb).Where("cr.trainee_id = ?", traineeID).OrderExpr("cr.id DESC").Limit(int64(limit))
	if status != "" {
		q = q.Where("cr.status = ?", status)
	}
	if after != "" {
		q = q.Where("cr.id < ?", after)
	}
	if err := q.Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("list received contact requests: %w", err)
	}
	return out, nil
}

// sentQuery selects contact requests as their company sees them: the
// graduate's email and phone only on accepted requests.
func sentQuery(idb bun.IDB) *bun.SelectQuery {
	return idb.NewSelect().TableExpr("contact_requests AS cr").
		ColumnExpr("cr.id, cr.trainee_id, u.name AS trainee_name").
		ColumnExpr("CASE WHEN cr.status = 'accepted' THEN u.email END AS trainee_email").
		ColumnExpr("CASE WHEN cr.status = 'accepted' THEN u.phone END AS trainee_phone").
		ColumnExpr("cr.message, cr.status, cr.created_at, cr.decided_at, h.id AS hire_id").
		Join("JOIN users AS u ON u.id = cr.trainee_id").
		Join("LEFT JOIN hires AS h ON h.contact_request_id = cr.id")
}

func (s Store) sent(ctx context.Context, idb bun.IDB, id string) (Sent, error) {
	var r Sent
	if err := sentQuery(idb).Where("cr.id = ?", id).Scan(ctx, &r); err != nil {
		return r, db.NotFound(err, "contact request")
	}
	return r, nil
}

// sentBy lists a company's requests, newest first.
func (s Store) sentBy(ctx context.Context, idb bun.IDB, companyID, status string, limit int, after string) ([]Sent, error) {
	out := []Sent{}
	q := sentQuery(idb).Where("cr.company_id = ?", companyID).OrderExpr("cr.id DESC").Limit(int64(limit))
	if status != "" {
		q = q.Where("cr.status = ?", status)
	}
	if after != "" {
		q = q.Where("cr.id < ?", after)
	}
	if err := q.Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("list sent contact requests: %w", err)
	}
	return out, nil
}

// --- hires

func (s Store) insertHire(ctx context.Context, idb bun.IDB, h *Hire) error {
	if _, err := idb.NewInsert().Model(h).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("already_hired", "a hire is already recorded for this contact request")
		}
		return fmt.Errorf("insert hire: %w", err)
	}
	return nil
}
