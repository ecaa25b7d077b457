package privacy

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/auth"
)

// Section is one part of a user's export: the rows of one table that are
// about the user.
type Section struct {
	// Name is the section's key in the export.
	Name string
	// Table is the table read.
	Table string
	// Where picks the user's rows; ?0 is the user's id.
	Where string
	// Omit lists columns never exported: secrets (hashes) and derived
	// copies of what is exported anyway.
	Omit []string
}

// Exported is THE list of what GET /v1/me/export reads, one section per
// table that holds data about a user. A test derives from the schema every
// table that refers to a user (a foreign key to users, or a column named
// like user_id, trainee_id, graduate_id, actor_id...) and fails unless the
// table is here or in NotExported: a new table holding personal data must
// be added to one of the two.
var Exported = []Section{
	{Name: "profile", Table: "users", Where: "id = ?0", Omit: []string{"password_hash", "search_name"}},
	{Name: "skills", Table: "user_skills", Where: "user_id = ?0"},
	{Name: "company", Table: "companies", Where: "user_id = ?0"},
	{Name: "sessions", Table: "sessions", Where: "user_id = ?0"},
	{Name: "password_resets", Table: "password_resets", Where: "user_id = ?0", Omit: []string{"token_hash"}},
	{Name: "placements", Table: "placements", Where: "trainee_id = ?0"},
	{Name: "cohorts_taught", Table: "cohorts", Where: "instructor_id = ?0"},
	// Enrolments carry the results: attended hours, score, outcome.
	{Name: "enrolments", Table: "enrolments", Where: "trainee_id = ?0"},
	{Name: "certificates", Table: "certificates", Where: "trainee_id = ?0"},
	{Name: "contact_requests", Table: "contact_requests", Where: "trainee_id = ?0 OR sent_by = ?0"},
	{Name: "hires", Table: "hires", Where: "trainee_id = ?0 OR recorded_by = ?0"},
	{Name: "employment", Table: "employments", Where: "trainee_id = ?0"},
	{Name: "surveys", Table: "surveys", Where: "trainee_id = ?0"},
	{Name: "consents", Table: "consents", Where: "user_id = ?0"},
	{Name: "profile_views", Table: "profile_views", Where: "graduate_id = ?0"},
	// Exports of the pool the graduate was in, and which companies made
	// them when (GET /v1/me/profile-views lists them as views).
	{Name: "profile_exports", Table: "profile_exports", Where: "EXISTS (SELECT 1 FROM profile_export_members AS m WHERE m.export_id = profile_exports.id AND m.graduate_id = ?0)"},
	// A probe per export of the member table's key (export, graduate).
	{Name: "profile_export_members", Table: "profile_export_members", Where: "export_id IN (SELECT id FROM profile_exports) AND graduate_id = ?0"},
	// The register: the trainee's records, and those an instructor kept.
	{Name: "attendance", Table: "attendance_records", Where: "enrolment_id IN (SELECT id FROM enrolments WHERE trainee_id = ?0) OR recorded_by = ?0"},
	{Name: "notifications", Table: "notifications", Where: "user_id = ?0"},
	// Employer demand: a company user's demands, and which demands a
	// graduate matched and which companies were told of it.
	{Name: "demands", Table: "demands", Where: "created_by = ?0 OR company_id IN (SELECT id FROM companies WHERE user_id = ?0)"},
	{Name: "demand_matches", Table: "demand_match_facts", Where: "trainee_id = ?0"},
	{Name: "demand_matches_announced", Table: "demand_matches_seen", Where: "trainee_id = ?0"},
	// The audit events about the user: those they made, those about their
	// account, and those about their enrolments, certificates, contact
	// requests, hires and employment.
	{Name: "audit_events", Table: "audit_events", Where: `actor_id = ?0 OR entity_id = ?0
    OR entity_id IN (SELECT id FROM enrolments WHERE trainee_id = ?0)
    OR entity_id IN (SELECT id FROM certificates WHERE trainee_id = ?0)
    OR entity_id IN (SELECT id FROM contact_requests WHERE trainee_id = ?0)
    OR entity_id IN (SELECT id FROM hires WHERE trainee_id = ?0)
    OR entity_id IN (SELECT id FROM employments WHERE trainee_id = ?0)`},
}

// NotExported lists the tables that refer to a user but are left out of
// the export, each with the reason.
var NotExported = map[string]string{
	"refresh_tokens": "secret hashes only; the sessions they belong to are exported",
	"calendar_feeds": "a secret feed token's hash and when it was issued, nothing else",
	"mail_jobs":      "the delivery state of the notifications exported (sent, failed, retry times)",
}

// Export is everything SkillGrid holds about a user.
type Export struct {
	UserID     string    `json:"user_id"`
	ExportedAt time.Time `json:"exported_at"`
	// Levels are the trainee's levels per track, derived from the
	// enrolments and placements (empty for other roles).
	Levels map[string]int `json:"levels"`
	// Data has one list of rows per section of Exported, keyed by name.
	Data map[string][]map[string]any `json:"data"`
}

// Export gathers everything held about the signed-in user, in one
// read-only snapshot.
func (s *Service) Export(ctx context.Context, actor auth.Actor) (Export, error) {
	out := Export{UserID: actor.ID, ExportedAt: s.now().UTC(), Levels: map[string]int{}, Data: map[string][]map[string]any{}}
	err := s.db.RunInTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}, func(ctx context.Context, tx bun.Tx) error {
		for _, sec := range Exported {
			rows, err := s.store.section(ctx, tx, sec, actor.ID)
			if err != nil {
				return err
			}
			out.Data[sec.Name] = rows
		}
		if actor.Role == auth.Trainee {
			levels, err := s.levels.TraineeLevels(ctx, tx, actor.ID)
			if err != nil {
				return err
			}
			out.Levels = levels
		}
		return nil
	})
	if err != nil {
		return Export{}, err
	}
	return out, nil
}

// section reads the user's rows of one section as column → value, with
// values as JSON should show them on both databases: booleans as
// booleans (SQLite stores 0 and 1), timestamps as RFC 3339 in UTC, text as
// text.
func (Store) section(ctx context.Context, idb bun.IDB, sec Section, userID string) ([]map[string]any, error) {
	q := fmt.Sprintf("SELECT * FROM %s WHERE %s ORDER BY 1", sec.Table, strings.ReplaceAll(sec.Where, "?0", "?"))
	n := strings.Count(sec.Where, "?0")
	args := make([]any, n)
	for i := range args {
		args[i] = userID
	}
	rows, err := idb.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", sec.Name, err)
	}
	defer rows.Close()
	cols, err := rows.ColumnTypes()
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", sec.Name, err)
	}
	omit := map[string]bool{}
	for _, c := range sec.Omit {
		omit[c] = true
	}
	out := []map[string]any{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("export %s: %w", sec.Name, err)
		}
		row := make(map[string]any, len(cols))
		for i, c := range cols {
			if !omit[c.Name()] {
				row[c.Name()] = jsonValue(c.DatabaseTypeName(), vals[i])
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("export %s: %w", sec.Name, err)
	}
	return out, nil
}

// jsonValue is a scanned value as the export shows it, given its column's
// declared type.
func jsonValue(dbType string, v any) any {
	t := strings.ToUpper(dbType)
	switch x := v.(type) {
	case []byte:
		return string(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case int64:
		if strings.HasPrefix(t, "BOOL") {
			return x != 0
		}
	case string:
		if strings.HasPrefix(t, "TIMESTAMP") {
			for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"} {
				if at, err := time.Parse(layout, x); err == nil {
					return at.UTC().Format(time.RFC3339Nano)
				}
			}
		}
	}
	return v
}
