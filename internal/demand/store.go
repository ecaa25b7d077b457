package demand

import (
	"context"
	"encoding/json"
	"fmt"
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
		Column("title", "track", "min_level", "skills_json", "headcount", "region", "needed_by", "description", "status", "updated_at", "closed_at").
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

// matchCore is the SQL of the graduates who match demand d now, one row
// each: id, their level in the track (m.level, at min_level or above), the
// latest qualifying completion (m.qualified_at) and their user row u. The
// level comes from the catalogue's level rule; pool membership (a trainee,
// active, opted in, with a completion) is read from users on every query,
// so opting out takes effect at once.
func matchCore(d row) (string, []any) {
	facts, args := catalogue.QualifyingRows(d.Track, d.MinLevel)
	return `(SELECT q.trainee_id AS id, MAX(q.level) AS level, MAX(q.at) AS qualified_at
   FROM (` + facts + `) AS q GROUP BY q.trainee_id) AS m
  JOIN users AS u ON u.id = m.id
 WHERE u.role = 'trainee' AND u.active AND u.pool_opt_in
   AND (m.qualified_at IS NOT NULL OR EXISTS (SELECT 1 FROM enrolments AS pe WHERE pe.trainee_id = m.id AND pe.status = 'completed'))`, args
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

// scoreSQL is the fit rule (score.go) as SQL over matchCore's m and u and
// the skills held (column held), with its arguments.
func scoreSQL(n Need, now time.Time) (string, []any) {
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
	recency := "(CASE"
	for _, b := range RecencyBands {
		recency += fmt.Sprintf(" WHEN s.qualified_at >= ? THEN %d", b.Points)
		args = append(args, now.Add(-b.Within).UTC())
	}
	recency += " ELSE 0 END)"
	return level + " + " + skills + " + " + region + " + " + recency, args
}

// matchKey is a match's place in the ranking: score, then id, both
// descending.
type matchKey struct {
	Score int
	ID    string
}

// matches reads up to limit graduates matching demand d, best fit first
// (then by id, descending), after the key after (nil for the start). The
// database scores every match (scoreSQL) and sorts; only the page leaves
// it.
func (s Store) matches(ctx context.Context, idb bun.IDB, d row, skills []string, now time.Time, after *matchKey, limit int) ([]scored, error) {
	core, args := matchCore(d)
	held := "0"
	if len(skills) > 0 {
		held = "(SELECT COUNT(*) FROM user_skills AS us WHERE us.user_id = m.id AND us.skill IN (?))"
	}
	inner := `SELECT m.id AS id, m.level AS level, m.qualified_at AS qualified_at, u.region AS region, ` + held + ` AS skills_held
  FROM ` + core
	var innerArgs []any
	if len(skills) > 0 {
		innerArgs = append(innerArgs, bun.List(skills))
	}
	innerArgs = append(innerArgs, args...)
	score, scoreArgs := scoreSQL(d.need(), now)
	q := `SELECT r.* FROM (SELECT s.id, s.level, s.qualified_at, s.region, s.skills_held, ` + score + ` AS score
  FROM (` + inner + `) AS s) AS r`
	all := append(scoreArgs, innerArgs...)
	if after != nil {
		q += ` WHERE (r.score < ? OR (r.score = ? AND r.id < ?))`
		all = append(all, after.Score, after.Score, after.ID)
	}
	q += ` ORDER BY r.score DESC, r.id DESC LIMIT ?`
	all = append(all, limit)
	var out []scored
	if err := idb.NewRaw(q, all...).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("match demand %s: %w", d.ID, err)
	}
	return out, nil
}

// rememberMatches records every graduate matching d now who is not yet
// known to match it, as known (announced false): no event.
func (s Store) rememberMatches(ctx context.Context, idb bun.IDB, d row, now time.Time) error {
	core, args := matchCore(d)
	q := `INSERT INTO demand_matches_seen (demand_id, trainee_id, announced, at)
SELECT ?, m.id, FALSE, ? FROM ` + core + `
   AND NOT EXISTS (SELECT 1 FROM demand_matches_seen AS ms WHERE ms.demand_id = ? AND ms.trainee_id = m.id)
ON CONFLICT DO NOTHING`
	all := append([]any{d.ID, now}, args...)
	all = append(all, d.ID)
	if _, err := idb.NewRaw(q, all...).Exec(ctx); err != nil {
		return fmt.Errorf("remember matches of demand %s: %w", d.ID, err)
	}
	return nil
}

// newMatches lists the graduates matching d now who are not yet known to
// match it.
func (s Store) newMatches(ctx context.Context, idb bun.IDB, d row) ([]string, error) {
	core, args := matchCore(d)
	q := `SELECT m.id FROM ` + core + `
   AND NOT EXISTS (SELECT 1 FROM demand_matches_seen AS ms WHERE ms.demand_id = ? AND ms.trainee_id = m.id)
 ORDER BY m.id`
	var out []string
	if err := idb.NewRaw(q, append(args, d.ID)...).Scan(ctx, &out); err != nil {
		return nil, fmt.Errorf("new matches of demand %s: %w", d.ID, err)
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
