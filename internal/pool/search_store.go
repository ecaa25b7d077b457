package pool

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/page"
)

// DefaultWalkBudget is W for a page of the default size. The 2,000 newest
// completions hold the latest completion of about 1,500 graduates, so a
// filter that matches one graduate in 70 or more fills a page within them,
// as fast as an unbounded walk; walking them for a filter that matches
// nobody takes 1-10 ms on SQLite (100,000 trainees, 300,000 completions;
// cmd/bench-pool), where 20,000 would take 90.
const DefaultWalkBudget = 2000

// key is a graduate's place in the pool's order: their most recent
// completion, then their id (both descending).
type key struct {
	ID              string    `bun:"id"`
	LastCompletedAt time.Time `bun:"last_completed_at"`
}

// graduates reads the keys of up to limit graduates matching f after the
// key after (nil for the start), in the pool's order. It reads in two
// phases that meet at a floor, the completion time of the W-th newest
// completion after the cursor (W is the walk budget):
//
//  1. The walk (walkQuery) reads the graduates whose latest completion is
//     at or above the floor, newest first. It reads at most W completions
//     however few graduates match; a broad filter fills the page long
//     before the floor, as fast as an unbounded walk, and then those are
//     the page.
//  2. Otherwise the rest of the page are the matching graduates whose
//     latest completion is below the floor, found from the users' side
//     (usersQuery): the users who pass f, each with their latest
//     completion, newest first. A filter that matches few graduates is
//     cheap from there when something narrows the users (a region, skills,
//     a course title, a rare track), where the unbounded walk read every
//     completion in the history to find nobody.
//
// Every key from the walk is at or above the floor and every key from the
// users' side below it, so the two never share a graduate and, one after
// the other, they are in the pool's order: what an unbounded walk would
// answer. Any floor gives that answer; W only bounds the work. With fewer
// than W completions after the cursor there is no floor and the walk is
// the whole answer. The phases must read one snapshot (the service runs
// them in one read-only transaction), or a graduate whose latest
// completion is withdrawn between them could appear in both.
func (s Store) graduates(ctx context.Context, idb bun.IDB, f Filter, after *key, limit int) ([]key, error) {
	floor, bounded, err := s.walkFloor(ctx, idb, after, limit)
	if err != nil {
		return nil, err
	}
	var out []key
	var walkFrom *time.Time
	if bounded {
		walkFrom = &floor
	}
	if err := walkQuery(idb, f, after, walkFrom, limit).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("search graduates: %w", err)
	}
	if !bounded || len(out) >= limit {
		return out, nil
	}
	if from, ok := completedAfter(f); ok && !from.Before(floor) {
		return out, nil // nobody below the floor completed on or after from
	}
	if db.IsPostgres(idb) {
		// The users' side sorts every user who passes f, so PostgreSQL
		// estimates it dear and compiles it to machine code first (JIT):
		// 100-300 ms for a query that then runs in 10-20. Off for this
		// transaction only.
		if _, err := idb.ExecContext(ctx, "SET LOCAL jit = off"); err != nil {
			return nil, fmt.Errorf("search graduates: %w", err)
		}
	}
	var rest []key
	if err := usersQuery(idb, f, after, floor, limit-len(out)).Scan(ctx, &rest); err != nil {
		return nil, fmt.Errorf("search graduates below the walk: %w", err)
	}
	return append(out, rest...), nil
}

// walkBudget is W for a search for limit keys: WalkBudget for a page of
// the default size, proportionally more for more keys (a long page, an
// export's chunk), so that the walk fills any of them for the same share
// of matching completions. An export of a broad filter then never turns
// to the users' side, which sorts every matching user, once per chunk.
func (s Store) walkBudget(limit int) int {
	w := s.WalkBudget
	if w <= 0 {
		w = DefaultWalkBudget
	}
	return w * max(1, limit/(page.DefaultLimit+1))
}

// walkFloor is the completion time of the W-th newest completion after the
// cursor, and false if there are fewer than W. It reads W entries of the
// index on (status, result_recorded_at, trainee_id) and nothing else. It
// counts every completion at the cursor's own time, whatever its trainee,
// which can only raise the floor a little: the users' side still applies
// the whole cursor, and any floor is exact.
func (s Store) walkFloor(ctx context.Context, idb bun.IDB, after *key, limit int) (time.Time, bool, error) {
	var rows []struct {
		At time.Time `bun:"result_recorded_at"`
	}
	q := idb.NewSelect().TableExpr("enrolments AS e").ColumnExpr("e.result_recorded_at").
		Where("e.status = 'completed'").Where("e.result_recorded_at IS NOT NULL").
		OrderExpr("e.result_recorded_at DESC").
		Limit(1).Offset(int64(s.walkBudget(limit) - 1))
	if after != nil {
		q = q.Where("e.result_recorded_at <= ?", after.LastCompletedAt)
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return time.Time{}, false, fmt.Errorf("search graduates: find the floor: %w", err)
	}
	if len(rows) == 0 {
		return time.Time{}, false, nil
	}
	return rows[0].At, true, nil
}

// walkQuery selects the keys of the graduates that match f after the key
// `after` (nil for the start) whose latest completion is at or after
// floor (nil for no bound), newest completion first.
//
// It walks completed enrolments backwards along an index by completion
// time and keeps the row that is its trainee's latest completion (the NOT
// EXISTS), so each graduate appears once, at their latest completion, and
// the walk stops as soon as the page is full: no aggregation over the
// whole pool. Every filter is checked on the rows walked, through an
// index on the trainee. Consent (pool_opt_in), an active account and the
// trainee role are read from users on every query, so opting out takes
// effect at once.
//
// The CROSS JOIN pins the join order on SQLite, which would otherwise turn
// a skill's EXISTS into a join, start from users and sort the whole pool
// (100 ms instead of 10 ms on 100,000 trainees); PostgreSQL reads it as a
// plain join. Measured with cmd/bench-pool (README, Benchmarks):
//
//	SQLite:     SEARCH e USING INDEX enrolments_status_recorded_idx (status=? AND result_recorded_at>?),
//	            SEARCH u USING COVERING INDEX users_pool_idx (role=? AND id=?) (users_pool_region_idx with a region)
//	PostgreSQL: Index Scan Backward using enrolments_status_recorded_idx on enrolments e, Nested Loop Anti Join
func walkQuery(idb bun.IDB, f Filter, after *key, floor *time.Time, limit int) *bun.SelectQuery {
	if db.IsPostgres(idb) && f.Region != "" {
		return fencedWalkQuery(idb, f, after, floor, limit)
	}
	q := idb.NewSelect().
		TableExpr("enrolments AS e CROSS JOIN users AS u").
		ColumnExpr("e.trainee_id AS id, e.result_recorded_at AS last_completed_at").
		OrderExpr("e.result_recorded_at DESC, e.trainee_id DESC").
		Limit(int64(limit))
	q = walked(q, f, after, floor)
	// The latest-completion check last: it is the dearest term.
	return filtered(q, f, correlated).Where(isLatest("e.result_recorded_at", "e.id"))
}

// walked adds the walk's cheap conditions to a query over completions e
// and their trainees u: the pool's members, at or above the floor, after
// the cursor, and completed_after.
func walked(q *bun.SelectQuery, f Filter, after *key, floor *time.Time) *bun.SelectQuery {
	q = q.Where("u.id = e.trainee_id").
		Where("e.status = 'completed'").
		Where("e.result_recorded_at IS NOT NULL").
		Where("u.role = 'trainee'").Where("u.active").Where("u.pool_opt_in")
	if after != nil {
		q = q.Where("(e.result_recorded_at, e.trainee_id) < (?, ?)", after.LastCompletedAt, after.ID)
	}
	if floor != nil {
		q = q.Where("e.result_recorded_at >= ?", *floor)
	}
	if from, ok := completedAfter(f); ok {
		q = q.Where("e.result_recorded_at >= ?", from)
	}
	return q
}

// isLatest is the condition that the completion (its time and id given as
// columns) is its trainee u's latest.
func isLatest(at, id string) string {
	return `NOT EXISTS (SELECT 1 FROM enrolments AS l
  WHERE l.trainee_id = u.id AND l.status = 'completed'
    AND (l.result_recorded_at > ` + at + ` OR (l.result_recorded_at = ` + at + ` AND l.id > ` + id + `)))`
}

// fencedWalkQuery is the walk for PostgreSQL when the filter has a region.
// PostgreSQL then starts from the region's members (its index) and checks
// the dear filters (track and level, skills, a course title) on every one
// of them before it joins them to the walked completions, a few thousand
// checks where a few dozen would do: 29 ms instead of 10 for a region with
// a track, a level and a career stage (cmd/bench-pool). Here the cheap
// part, the walked completions of the region's members, is fenced off
// (OFFSET 0 keeps PostgreSQL from merging it into the outer query); the
// dear filters and the latest-completion check run on what it returns. The
// fence reads every walked completion in the region, at most the walk
// budget, so it is kept for a region: without one it would read them all
// where the unfenced walk stops at a full page.
func fencedWalkQuery(idb bun.IDB, f Filter, after *key, floor *time.Time, limit int) *bun.SelectQuery {
	members := idb.NewSelect().
		TableExpr("enrolments AS e CROSS JOIN users AS u").
		ColumnExpr("u.id, u.region, u.career_stage, u.search_name").
		ColumnExpr("e.id AS completion_id, e.result_recorded_at AS last_completed_at")
	members = walked(members, f, after, floor).Where("u.region = ?", f.Region)
	if f.CareerStage != "" {
		members = members.Where("u.career_stage = ?", f.CareerStage)
	}
	q := idb.NewSelect().
		TableExpr("(? OFFSET 0) AS u", members).
		ColumnExpr("u.id, u.last_completed_at").
		OrderExpr("u.last_completed_at DESC, u.id DESC").
		Limit(int64(limit))
	return filtered(q, f, correlated).Where(isLatest("u.last_completed_at", "u.completion_id"))
}

// usersQuery selects the keys of the graduates that match f after the key
// `after` whose latest completion is before floor, newest completion
// first: the users who pass f, each with their latest completion (one
// seek in enrolments_completed_trainee_idx), then those below the floor,
// sorted. The database starts from what narrows the users most: the
// region's index, the skills' or a course title's set of users, a rare
// track's completions; with nothing to narrow them, the pool's members
// from users_pool_idx.
//
// The floor is at or before the cursor's time (walkFloor), so the cursor
// condition here only matters for a floor found some other way; it costs
// nothing and keeps any floor exact.
func usersQuery(idb bun.IDB, f Filter, after *key, floor time.Time, limit int) *bun.SelectQuery {
	users := idb.NewSelect().
		TableExpr("users AS u").
		ColumnExpr("u.id AS id").
		ColumnExpr(`(SELECT MAX(l.result_recorded_at) FROM enrolments AS l
  WHERE l.trainee_id = u.id AND l.status = 'completed') AS last_completed_at`).
		Where("u.role = 'trainee'").Where("u.active").Where("u.pool_opt_in")
	// With a region on PostgreSQL, the fence (OFFSET 0) keeps the
	// conditions on g out of the scan of the region's members, where each
	// member's latest completion was read before the other filters and
	// again for the sort; now it is read once, for the members who pass
	// them (26 -> 21 ms in EXPLAIN ANALYZE for a region, a track, a level
	// and a career stage). Without a region the fence made PostgreSQL scan
	// the whole users table for a name (16 -> 40 ms), so it is not used.
	fence := ""
	if db.IsPostgres(idb) && f.Region != "" {
		fence = " OFFSET 0"
	}
	q := idb.NewSelect().
		TableExpr("(?"+fence+") AS g", filtered(users, f, sets)).
		ColumnExpr("g.id, g.last_completed_at").
		Where("g.last_completed_at < ?", floor).
		OrderExpr("g.last_completed_at DESC, g.id DESC").
		Limit(int64(limit))
	if after != nil {
		q = q.Where("(g.last_completed_at, g.id) < (?, ?)", after.LastCompletedAt, after.ID)
	}
	if from, ok := completedAfter(f); ok {
		q = q.Where("g.last_completed_at >= ?", from)
	}
	return q
}

// completedAfter is the start of f's completed_after day, if it has one.
func completedAfter(f Filter) (time.Time, bool) {
	if f.CompletedAfter == "" {
		return time.Time{}, false
	}
	from, _ := time.Parse(time.DateOnly, f.CompletedAfter) // checked by the service
	return from, true
}

// filterForm is how filtered reaches the tables beside users.
type filterForm int

const (
	// correlated: every check a subquery on u.id, run for each user met.
	// The walk meets few users when it stops early, and each check is a
	// seek in an index on the trainee.
	correlated filterForm = iota
	// sets: skills, the course-title search and (when nothing else
	// narrows the users) the track as sets of user ids, which the
	// database builds once and can start from, instead of checking every
	// member of the pool.
	sets
)

// filtered adds f's conditions, but completed_after, to a query over
// graduates whose user row is u; each phase checks completed_after
// against its own completion.
func filtered(q *bun.SelectQuery, f Filter, form filterForm) *bun.SelectQuery {
	if f.Region != "" {
		q = q.Where("u.region = ?", f.Region)
	}
	if f.CareerStage != "" {
		q = q.Where("u.career_stage = ?", f.CareerStage)
	}
	if len(f.Skills) > 0 {
		if form == sets {
			q = q.Where("u.id IN (SELECT us.user_id FROM user_skills AS us WHERE us.skill IN (?))", bun.List(f.Skills))
		} else {
			q = q.Where("EXISTS (SELECT 1 FROM user_skills AS us WHERE us.user_id = u.id AND us.skill IN (?))", bun.List(f.Skills))
		}
	}
	if f.Track != "" || f.MinLevel > 0 {
		// The catalogue's level rule (a track alone asks for level 1 or
		// above in it).
		level := catalogue.PerTrainee
		if form == sets && f.Region == "" && len(f.Skills) == 0 && f.Q == "" {
			// Nothing else narrows the users: start from the track's
			// completions, which are few when the walk found few matches.
			level = catalogue.TraineeSet
		}
		cond, args := catalogue.LevelAtLeast("u.id", f.Track, max(f.MinLevel, 1), level)
		q = q.Where(cond, args...)
	}
	if f.Q != "" {
		like := "%" + escapeLike(f.Q) + "%"
		if form == sets {
			// From the few courses that match to their completions; the
			// CROSS JOINs keep SQLite from starting at the completions.
			q = q.Where(`(u.search_name LIKE ? ESCAPE '\' OR u.id IN (SELECT qe.trainee_id
    FROM courses AS qc CROSS JOIN cohorts AS qch CROSS JOIN enrolments AS qe
   WHERE qch.course_id = qc.id AND qe.cohort_id = qch.id AND qe.status = 'completed' AND qc.search_text LIKE ? ESCAPE '\'))`, like, like)
		} else {
			// Most searches are for a name, which no course matches: the
			// EXISTS on courses alone is read once per query and, false,
			// spares the check of each graduate's completions.
			q = q.Where(`(u.search_name LIKE ? ESCAPE '\' OR (EXISTS (SELECT 1 FROM courses AS qc0 WHERE qc0.search_text LIKE ? ESCAPE '\')
  AND `+perUser(`SELECT 1 FROM enrolments AS qe
   WHERE qe.trainee_id = u.id AND qe.status = 'completed' AND qe.cohort_id IN (SELECT qch.id FROM cohorts AS qch
     JOIN courses AS qc ON qc.id = qch.course_id WHERE qc.search_text LIKE ? ESCAPE '\')`)+`))`, like, like, like)
		}
	}
	return q
}

// perUser is "the subquery finds a row", checked for each user: a scalar
// subquery rather than EXISTS, which PostgreSQL may turn into a hash of
// everything the subquery could find (every completion of a broad track,
// 40,000 rows) to check a few hundred users. The subquery selects 1.
func perUser(subquery string) string {
	return "(" + subquery + " LIMIT 1) IS NOT NULL"
}

// escapeLike makes s match literally inside a LIKE pattern escaped by \.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
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
		return key{}, apperr.NotFound(msg.NotFoundGraduate)
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
		Where("id IN (?)", bun.List(ids)).Where("role = 'trainee'").Where("active").Where("pool_opt_in").
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
		Where("user_id IN (?)", bun.List(ids)).Order("user_id", "skill").Scan(ctx, &rows)
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
 ORDER BY e.trainee_id, e.result_recorded_at DESC, c.code`, bun.List(ids)).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("read completions: %w", err)
	}
	out := map[string][]CompletedCourse{}
	for _, r := range rows {
		out[r.TraineeID] = append(out[r.TraineeID], r.CompletedCourse)
	}
	return out, nil
}

// shape reads the catalogue's tracks, by code, and the most skills and
// completed courses any trainee has.
func (s Store) shape(ctx context.Context, idb bun.IDB) (Shape, error) {
	var sh Shape
	if err := idb.NewSelect().Table("tracks").Column("code").Order("code").Scan(ctx, &sh.Tracks); err != nil {
		return Shape{}, fmt.Errorf("read tracks: %w", err)
	}
	err := idb.NewRaw(`SELECT
       (SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM user_skills GROUP BY user_id) AS s),
       (SELECT COALESCE(MAX(n), 0) FROM (SELECT COUNT(*) AS n FROM enrolments WHERE status = 'completed' GROUP BY trainee_id) AS c)`).
		Scan(ctx, &sh.MaxSkills, &sh.MaxCourses)
	if err != nil {
		return Shape{}, fmt.Errorf("read the pool's shape: %w", err)
	}
	return sh, nil
}
