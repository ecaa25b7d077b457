package demand

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/catalogue"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// Store is the SQL of demands. It holds no database handle: every method
// runs on the one it is given.
type Store struct{}

// row is a demand as stored.
type row struct {
	bun.BaseModel `bun:"table:demands,alias:d"`

	ID          string     `bun:"id,pk"`
	CompanyID   string     `bun:"company_id"`
	CreatedBy   string     `bun:"created_by"`
	Title       string     `bun:"title"`
	Track       string     `bun:"track"`
	MinLevel    int        `bun:"min_level"`
	SkillsJSON  string     `bun:"skills_json"`
	Headcount   int        `bun:"headcount"`
	Filled      int        `bun:"filled"`
	Region      *string    `bun:"region"`
	NeededBy    string     `bun:"needed_by"`
	Description string     `bun:"description"`
	Status      string     `bun:"status"`
	CreatedAt   time.Time  `bun:"created_at"`
	UpdatedAt   time.Time  `bun:"updated_at"`
	ClosedAt    *time.Time `bun:"closed_at"`
	CompanyName string     `bun:"company_name,scanonly"`
	FactsAt     time.Time  `bun:"facts_at"`
	CompanyUser string     `bun:"company_user_id,scanonly"`
}

func (r row) demand() Demand {
	d := Demand{
		ID: r.ID, CompanyID: r.CompanyID, CompanyName: r.CompanyName, Title: r.Title, Track: r.Track,
		MinLevel: r.MinLevel, Headcount: r.Headcount, Filled: r.Filled, Region: r.Region,
		NeededBy: r.NeededBy, Description: r.Description, Status: r.Status,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), ClosedAt: r.ClosedAt,
	}
	if d.ClosedAt != nil {
		t := d.ClosedAt.UTC()
		d.ClosedAt = &t
	}
	d.Skills = r.skills()
	return d
}

func (r row) skills() []string {
	out := []string{}
	_ = json.Unmarshal([]byte(r.SkillsJSON), &out) // written by this package only
	return out
}

func (r row) need() Need {
	region := ""
	if r.Region != nil {
		region = *r.Region
	}
	return Need{MinLevel: r.MinLevel, Skills: len(r.skills()), Region: region}
}

func skillsJSON(s []string) string {
	if s == nil {
		s = []string{}
	}
	b, _ := json.Marshal(s)
	return string(b)
}

// selectRows selects demands with their company's name and user.
func selectRows(idb bun.IDB, dst *[]row) *bun.SelectQuery {
	return idb.NewSelect().Model(dst).
		ColumnExpr("d.*").
		ColumnExpr("co.name AS company_name, co.user_id AS company_user_id").
		Join("JOIN companies AS co ON co.id = d.company_id")
}

// get reads one demand, locked for update when lock is set.
func (s Store) get(ctx context.Context, idb bun.IDB, id string, lock bool) (row, error) {
	var rows []row
	q := selectRows(idb, &rows).Where("d.id = ?", id)
	if lock {
		q = db.Locking(q, db.ForUpdate("d"))
	}
	if err := q.Scan(ctx); err != nil {
		return row{}, fmt.Errorf("read demand %s: %w", id, err)
	}
	if len(rows) == 0 {
		return row{}, apperr.NotFound(msg.NotFoundDemand)
	}
	return rows[0], nil
}

func (s Store) insert(ctx context.Context, idb bun.IDB, r *row) error {
	if _, err := idb.NewInsert().Model(r).Exec(ctx); err != nil {
		return fmt.Errorf("insert demand: %w", err)
	}
	return nil
}

func (s Store) update(ctx context.Context, idb bun.IDB, r *row) error {
	_, err := idb.NewUpdate().Model(r).
		Column("title", "track", "min_level", "skills_json", "headcount", "region", "needed_by", "description", "status", "updated_at", "closed_at", "facts_at").
		WherePK().Exec(ctx)
	if err != nil {
		return fmt.Errorf("update demand %s: %w", r.ID, err)
	}
	return nil
}

// list reads up to limit demands after the id `after`, newest first:
// those of one company (companyID), or the open ones a trainee at levels
// matches (levels non-nil), or all.
func (s Store) list(ctx context.Context, idb bun.IDB, companyID string, levels map[string]int, f Filter, after string, limit int) ([]row, error) {
	rows := []row{}
	q := selectRows(idb, &rows).OrderExpr("d.id DESC").Limit(int64(limit))
	if companyID != "" {
		q = q.Where("d.company_id = ?", companyID)
	}
	if levels != nil {
		q = q.Where("d.status = ?", Open)
		var conds []string
		var args []any
		for track, level := range levels {
			if level > 0 {
				conds = append(conds, "(d.track = ? AND d.min_level <= ?)")
				args = append(args, track, level)
			}
		}
		if len(conds) == 0 {
			return rows, nil
		}
		q = q.Where("("+strings.Join(conds, " OR ")+")", args...)
	}
	if f.Status != "" {
		q = q.Where("d.status = ?", f.Status)
	}
	if after != "" {
		q = q.Where("d.id < ?", after)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list demands: %w", err)
	}
	return rows, nil
}

// qualifiedCore is the SQL of the trainees whose level in demand d's track
// is at least its min_level (the catalogue's level rule) and who completed
// some course, one row each: id, their level there (m.level), their latest
// qualifying completion (m.qualified_at) and their user row u. Consent and
// an active account are not checked here: the facts kept from it are read
// through them (see matches), so a change of either counts at once.
func qualifiedCore(d row, trainees []string) (string, []any) {
	facts, args := catalogue.QualifyingRows(d.Track, d.MinLevel)
	only := ""
	if trainees != nil {
		// Before the grouping, so that only their rows are read.
		only = ` WHERE q.trainee_id IN (?)`
		args = append(args, bun.List(trainees))
	}
	return `(SELECT q.trainee_id AS id, MAX(q.level) AS level, MAX(q.at) AS qualified_at
   FROM (` + facts + `) AS q` + only + ` GROUP BY q.trainee_id) AS m
  CROSS JOIN users AS u
 WHERE u.id = m.id AND u.role = 'trainee'
   AND (m.qualified_at IS NOT NULL OR EXISTS (SELECT 1 FROM enrolments AS pe WHERE pe.trainee_id = m.id AND pe.status = 'completed'))`, args
}

// baseSQL is the fit rule's level, skills and region points (score.go) as
// SQL over a row s with level, skills_held and region, with its
// arguments; recency is added when the facts are read (bands).
func baseSQL(n Need) (string, []any) {
	var args []any
	level := fmt.Sprintf("(%d + %d * (CASE WHEN s.level - ? > %d THEN %d ELSE s.level - ? END))",
		LevelBase, LevelStep, LevelStepsMax, LevelStepsMax)
	args = append(args, n.MinLevel, n.MinLevel)
	skills := fmt.Sprintf("%d", SkillsMax)
	if n.Skills > 0 {
		skills = fmt.Sprintf("(%d * s.skills_held / %d)", SkillsMax, n.Skills)
	}
	region := fmt.Sprintf("%d", RegionMax)
	if n.Region != "" {
		region = fmt.Sprintf("(CASE WHEN s.region = ? THEN %d ELSE 0 END)", RegionMax)
		args = append(args, n.Region)
	}
	return level + " + " + skills + " + " + region, args
}

// refreshChunk bounds the trainees one refresh statement names.
const refreshChunk = 500

// refreshWhole is how many changed trainees make a refresh recompute all
// of a demand's facts instead of theirs.
const refreshWhole = 5000

// refreshFacts brings demand d's facts up to date for the trainees (all of
// them when trainees is nil): their rows are replaced by what the level
// rule and the profile say now.
func (s Store) refreshFacts(ctx context.Context, idb bun.IDB, d row, trainees []string) error {
	if len(trainees) > refreshWhole {
		trainees = nil // many changed (a bulk load): one pass over all is cheaper
	}
	if trainees == nil {
		if _, err := idb.NewDelete().TableExpr("demand_match_facts").Where("demand_id = ?", d.ID).Exec(ctx); err != nil {
			return fmt.Errorf("refresh demand %s: %w", d.ID, err)
		}
		return s.insertFacts(ctx, idb, d, nil)
	}
	for len(trainees) > 0 {
		n := min(len(trainees), refreshChunk)
		chunk := trainees[:n]
		trainees = trainees[n:]
		if _, err := idb.NewDelete().TableExpr("demand_match_facts").
			Where("demand_id = ?", d.ID).Where("trainee_id IN (?)", bun.List(chunk)).Exec(ctx); err != nil {
			return fmt.Errorf("refresh demand %s: %w", d.ID, err)
		}
		if err := s.insertFacts(ctx, idb, d, chunk); err != nil {
			return err
		}
	}
	return nil
}

// insertFacts writes demand d's facts of the trainees (all when nil).
func (s Store) insertFacts(ctx context.Context, idb bun.IDB, d row, trainees []string) error {
	core, coreArgs := qualifiedCore(d, trainees)
	skills := d.skills()
	held := "0"
	var args []any
	if len(skills) > 0 {
		held = "(SELECT COUNT(*) FROM user_skills AS us WHERE us.user_id = m.id AND us.skill IN (?))"
		args = append(args, bun.List(skills))
	}
	args = append(args, coreArgs...)
	inner := `SELECT m.id AS id, m.level AS level, m.qualified_at AS qualified_at, u.region AS region, ` + held + ` AS skills_held
  FROM ` + core
	base, baseArgs := baseSQL(d.need())
	q := `INSERT INTO demand_match_facts (demand_id, trainee_id, level, skills_held, region, qualified_at, base)
SELECT ?, s.id, s.level, s.skills_held, s.region, s.qualified_at, ` + base + `
  FROM (` + inner + `) AS s`
	all := append([]any{d.ID}, baseArgs...)
	all = append(all, args...)
	if _, err := idb.NewRaw(q, all...).Exec(ctx); err != nil {
		return fmt.Errorf("refresh demand %s: %w", d.ID, err)
	}
	return nil
}

// touchedSince lists the trainees whose level, profile or consent may
// have changed at or after since: their account, an enrolment or a
// placement was written then.
func (s Store) touchedSince(ctx context.Context, idb bun.IDB, since time.Time) ([]string, error) {
	// UNION ALL, deduplicated here: with UNION, SQLite merged the parts in
	// trainee order and so read every enrolment in that order instead of
	// the few written since (0.6-0.8 s at 300,000 enrolments).
	var rows []string
	err := idb.NewRaw(`SELECT id FROM users WHERE role = 'trainee' AND updated_at >= ?
UNION ALL SELECT trainee_id FROM enrolments WHERE updated_at >= ?
UNION ALL SELECT trainee_id FROM placements WHERE created_at >= ?`, since, since, since).Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("trainees changed since %s: %w", since, err)
	}
	sort.Strings(rows)
	return slices.Compact(rows), nil
}

// setFactsAt records when demand d's facts were brought up to date.
func (s Store) setFactsAt(ctx context.Context, idb bun.IDB, id string, at time.Time) error {
	if _, err := idb.NewUpdate().Table("demands").Set("facts_at = ?", at).Where("id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("refresh demand %s: %w", id, err)
	}
	return nil
}

// scored is a graduate matching a demand with the facts the fit rule
// reads and the score the query gave them.
type scored struct {
	ID          string     `bun:"id"`
	Level       int        `bun:"level"`
	SkillsHeld  int        `bun:"skills_held"`
	Region      *string    `bun:"region"`
	QualifiedAt *time.Time `bun:"qualified_at"`
	Score       int        `bun:"score"`
}

func (c scored) candidate() Candidate {
	out := Candidate{Level: c.Level, SkillsHeld: c.SkillsHeld, QualifiedAt: c.QualifiedAt}
	if c.Region != nil {
		out.Region = *c.Region
	}
	return out
}

// band is one step of the recency factor at a time now: the qualifying
// completions in [From, Before) (From nil: none or older; Before nil: no
// upper end) earn Points.
type band struct {
	From, Before *time.Time
	Points       int
}

// bands splits time at now into RecencyBands' steps and the rest.
func bands(now time.Time) []band {
	var out []band
	var before *time.Time
	for _, b := range RecencyBands {
		from := now.Add(-b.Within).UTC()
		out = append(out, band{From: &from, Before: before, Points: b.Points})
		before = &from
	}
	return append(out, band{Before: before, Points: 0})
}

// matchKey is a match's place in the ranking: score, then id, both
// descending.
type matchKey struct {
	Score int
	ID    string
}

// matches reads up to limit graduates matching demand d, best fit first
// (then by id, descending), after the key after (nil for the start): the
// demand's facts of trainees who are active and opted in now. Each
// recency band is one read of the facts' index in base order (its points
// are the same for all of it); the bands' heads, read in one statement,
// merge into the page, so the work is a few pages of the index however
// large the pool.
func (s Store) matches(ctx context.Context, idb bun.IDB, d row, now time.Time, after *matchKey, limit int) ([]scored, error) {
	var parts []string
	var args []any
	for _, b := range bands(now) {
		q := `SELECT f.trainee_id AS id, f.level AS level, f.skills_held AS skills_held, f.region AS region,
       f.qualified_at AS qualified_at, f.base + ? AS score
  FROM demand_match_facts AS f JOIN users AS u ON u.id = f.trainee_id
 WHERE f.demand_id = ? AND u.role = 'trainee' AND u.active AND u.pool_opt_in`
		args = append(args, b.Points, d.ID)
		switch {
		case b.From == nil:
			q += ` AND (f.qualified_at IS NULL OR f.qualified_at < ?)`
			args = append(args, *b.Before)
		case b.Before == nil:
			q += ` AND f.qualified_at >= ?`
			args = append(args, *b.From)
		default:
			q += ` AND f.qualified_at >= ? AND f.qualified_at < ?`
			args = append(args, *b.From, *b.Before)
		}
		if after != nil {
			q += ` AND (f.base, f.trainee_id) < (?, ?)`
			args = append(args, after.Score-b.Points, after.ID)
		}
		q += ` ORDER BY f.base DESC, f.trainee_id DESC LIMIT ?`
		args = append(args, limit)
		parts = append(parts, `SELECT * FROM (`+q+`) AS b`+strconv.Itoa(len(parts)))
	}
	var all []scored
	if err := idb.NewRaw(strings.Join(parts, "\nUNION ALL\n"), args...).Scan(ctx, &all); err != nil {
		return nil, fmt.Errorf("match demand %s: %w", d.ID, err)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Score != all[j].Score {
			return all[i].Score > all[j].Score
		}
		return all[i].ID > all[j].ID
	})
	if len(all) > limit {
		all = all[:limit]
	}
	return all, nil
}

// matchingNow is the SQL of demand d's facts of graduates in the pool now
// (active, opted in), as f with u.
const matchingNow = `demand_match_facts AS f JOIN users AS u ON u.id = f.trainee_id
 WHERE f.demand_id = ? AND u.role = 'trainee' AND u.active AND u.pool_opt_in`

// rememberMatches records every graduate matching d now who is not yet
// known to match it, as known (announced false): no event. A demand just
// posted has no known pairs (fresh): then there is nothing to skip, and no
// anti-join for a planner to misjudge (on PostgreSQL, with the facts just
// written and no statistics yet, it took 25 s instead of 1).
func (s Store) rememberMatches(ctx context.Context, idb bun.IDB, d row, now time.Time, fresh bool) error {
	q := `INSERT INTO demand_matches_seen (demand_id, trainee_id, announced, at)
SELECT ?, f.trainee_id, FALSE, ? FROM ` + matchingNow
	args := []any{d.ID, now, d.ID}
	if !fresh {
		q += `
   AND NOT EXISTS (SELECT 1 FROM demand_matches_seen AS ms WHERE ms.demand_id = ? AND ms.trainee_id = f.trainee_id)
ON CONFLICT DO NOTHING`
		args = append(args, d.ID)
	}
	if _, err := idb.NewRaw(q, args...).Exec(ctx); err != nil {
		return fmt.Errorf("remember matches of demand %s: %w", d.ID, err)
	}
	return nil
}

// newMatches lists, among the trainees, the graduates matching d now who
// are not yet known to match it. A match only begins with a write about
// its trainee (a completion, a placement, a profile or consent change),
// so the refresh asks about the trainees it refreshed, not the whole pool.
func (s Store) newMatches(ctx context.Context, idb bun.IDB, d row, trainees []string) ([]string, error) {
	if len(trainees) > refreshWhole {
		q := `SELECT f.trainee_id FROM ` + matchingNow + `
   AND NOT EXISTS (SELECT 1 FROM demand_matches_seen AS ms WHERE ms.demand_id = ? AND ms.trainee_id = f.trainee_id)
 ORDER BY f.trainee_id`
		var out []string
		if err := idb.NewRaw(q, d.ID, d.ID).Scan(ctx, &out); err != nil {
			return nil, fmt.Errorf("new matches of demand %s: %w", d.ID, err)
		}
		return out, nil
	}
	var out []string
	for len(trainees) > 0 {
		n := min(len(trainees), refreshChunk)
		chunk := trainees[:n]
		trainees = trainees[n:]
		q := `SELECT f.trainee_id FROM ` + matchingNow + ` AND f.trainee_id IN (?)
   AND NOT EXISTS (SELECT 1 FROM demand_matches_seen AS ms WHERE ms.demand_id = ? AND ms.trainee_id = f.trainee_id)
 ORDER BY f.trainee_id`
		var ids []string
		if err := idb.NewRaw(q, d.ID, bun.List(chunk), d.ID).Scan(ctx, &ids); err != nil {
			return nil, fmt.Errorf("new matches of demand %s: %w", d.ID, err)
		}
		out = append(out, ids...)
	}
	return out, nil
}

// markAnnounced records that the graduate's match with the demand was
// announced; false when it was already known (another process got there
// first), and then it must not be announced again.
func (s Store) markAnnounced(ctx context.Context, idb bun.IDB, demandID, traineeID string, now time.Time) (bool, error) {
	n, err := db.Exec(ctx, idb, `INSERT INTO demand_matches_seen (demand_id, trainee_id, announced, at)
VALUES (?0, ?1, TRUE, ?2) ON CONFLICT DO NOTHING`, demandID, traineeID, now)
	if err != nil {
		return false, fmt.Errorf("announce match of demand %s: %w", demandID, err)
	}
	return n == 1, nil
}

// oldestFacts is the earliest facts_at of the open demands.
func (s Store) oldestFacts(ctx context.Context, idb bun.IDB) (time.Time, error) {
	var at time.Time
	if err := idb.NewSelect().Table("demands").ColumnExpr("MIN(facts_at)").Where("status = ?", Open).Scan(ctx, &at); err != nil {
		return at, fmt.Errorf("oldest demand facts: %w", err)
	}
	return at, nil
}

// openIDs lists the ids of the open demands.
func (s Store) openIDs(ctx context.Context, idb bun.IDB) ([]string, error) {
	var out []string
	if err := idb.NewSelect().Table("demands").Column("id").Where("status = ?", Open).Order("id").Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("list open demands: %w", err)
	}
	return out, nil
}

// fill counts one hire against the demand: filled goes up by one, and the
// demand closes when it reaches the headcount, in one conditional UPDATE,
// so two hires at once can never pass the headcount. False when the demand
// was not open (or already full).
func (s Store) fill(ctx context.Context, idb bun.IDB, id string, now time.Time) (bool, error) {
	n, err := db.Exec(ctx, idb, `UPDATE demands
   SET filled = filled + 1,
       status = CASE WHEN filled + 1 >= headcount THEN 'closed' ELSE status END,
       closed_at = CASE WHEN filled + 1 >= headcount THEN ?0 ELSE closed_at END,
       updated_at = ?0
 WHERE id = ?1 AND status = 'open' AND filled < headcount`, now, id)
	if err != nil {
		return false, fmt.Errorf("fill demand %s: %w", id, err)
	}
	return n == 1, nil
}
