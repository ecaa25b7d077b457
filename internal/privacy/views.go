package privacy

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
)

// ViewKind is how a company read a graduate's pool entry.
type ViewKind string

// The kinds of profile view.
const (
	ViewSearch ViewKind = "search" // in a page of search results
	ViewRead   ViewKind = "read"   // GET /v1/graduates/{id}
	ViewExport ViewKind = "export" // in a CSV or XLSX export
)

// ProfileView is one read of a graduate's pool entry by a company.
type ProfileView struct {
	bun.BaseModel `bun:"table:profile_views,alias:pv"`

	ID          string    `bun:"id,pk" json:"-"`
	GraduateID  string    `bun:"graduate_id" json:"-"`
	CompanyID   string    `bun:"company_id" json:"company_id"`
	CompanyName string    `bun:"company_name,scanonly" json:"company_name"`
	Kind        ViewKind  `bun:"kind" json:"kind"`
	At          time.Time `bun:"at" json:"at"`
}

// Views records companies' reads of the pool at once, in the caller's
// handle: the pool calls it for every answer a company gets (see ViewLog
// for the batching form a server uses).
type Views struct{}

// Record writes that the company read the graduates (once each, however
// often an id repeats) at the time at, in one statement: a page of search
// results costs one insert, not one per graduate.
func (Views) Record(ctx context.Context, idb bun.IDB, companyID string, kind ViewKind, at time.Time, graduateIDs []string) error {
	rows := viewRows(companyID, kind, at, graduateIDs)
	if d, ok := idb.(*bun.DB); ok && len(rows) > 1 {
		// One commit for the batch, not one per row.
		return d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return insertViews(ctx, tx, rows) })
	}
	return insertViews(ctx, idb, rows)
}

// RecordExport writes that the company's export exportID, begun at at,
// held the graduates (once each): the export's row, written once however
// many chunks name it, and a narrow member row per graduate.
func (Views) RecordExport(ctx context.Context, idb bun.IDB, exportID, companyID string, at time.Time, graduateIDs []string, _ bool) error {
	if len(graduateIDs) == 0 {
		return nil
	}
	b := exportBatch{head: ProfileExport{ID: exportID, CompanyID: companyID, At: at.UTC()}, members: graduateIDs}
	if d, ok := idb.(*bun.DB); ok {
		return d.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error { return insertExports(ctx, tx, []exportBatch{b}) })
	}
	return insertExports(ctx, idb, []exportBatch{b})
}

// ProfileExport is one export of the pool by a company; its graduates are
// in profile_export_members.
type ProfileExport struct {
	ID        string
	CompanyID string
	At        time.Time
}

// exportBatch is an export's row and some of its graduates.
type exportBatch struct {
	head    ProfileExport
	members []string
}

// insertExports writes the exports' rows (those written before are left
// as they are) and their members, each export's graduates sorted and once
// each, exports in id order: the member table is keyed (export,
// graduate) and export ids are UUIDv7, so the rows are appended at the
// table's end, filling each new leaf once. A member already written (a
// graduate named again after a cut-short export's earlier write) is
// skipped rather than failing the batch.
func insertExports(ctx context.Context, idb bun.IDB, bs []exportBatch) error {
	var heads []ProfileExport
	members := map[string][]string{}
	for _, b := range bs {
		if _, ok := members[b.head.ID]; !ok {
			heads = append(heads, b.head)
		}
		members[b.head.ID] = append(members[b.head.ID], b.members...)
	}
	slices.SortFunc(heads, func(a, b ProfileExport) int { return strings.Compare(a.ID, b.ID) })
	for _, h := range heads {
		if _, err := db.Exec(ctx, idb, "INSERT INTO profile_exports (id, company_id, at) VALUES (?0, ?1, ?2) ON CONFLICT (id) DO NOTHING", h.ID, h.CompanyID, h.At); err != nil {
			return fmt.Errorf("record export %s: %w", h.ID, err)
		}
		gs := members[h.ID]
		slices.Sort(gs)
		if err := insertMembers(ctx, idb, h.ID, slices.Compact(gs)); err != nil {
			return fmt.Errorf("record %d graduates of export %s: %w", len(gs), h.ID, err)
		}
	}
	return nil
}

// insertMembers writes that the export held the graduates: on PostgreSQL
// in one statement of an array, on SQLite in statements of 500, 50 and 1
// rows, which the connection keeps prepared.
func insertMembers(ctx context.Context, idb bun.IDB, exportID string, graduates []string) error {
	if len(graduates) == 0 {
		return nil
	}
	if db.IsPostgres(idb) {
		_, err := db.Exec(ctx, idb, `INSERT INTO profile_export_members (export_id, graduate_id)
SELECT ?0::text, g FROM unnest(?1::text[]) AS g ON CONFLICT DO NOTHING`, exportID, graduates)
		return err
	}
	for _, size := range []int{500, 50, 1} {
		for len(graduates) >= size {
			args := make([]any, 0, 1+size)
			args = append(args, exportID)
			for _, g := range graduates[:size] {
				args = append(args, g)
			}
			if _, err := db.Exec(ctx, idb, sqliteMemberInsert(size), args...); err != nil {
				return err
			}
			graduates = graduates[size:]
		}
	}
	return nil
}

// sqliteMemberInsert is the insert of n members of one export: the
// export is ?0, the graduates ?1 to ?n.
func sqliteMemberInsert(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO profile_export_members (export_id, graduate_id) VALUES ")
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "(?0, ?%d)", i)
	}
	b.WriteString(" ON CONFLICT DO NOTHING")
	return b.String()
}

// viewRows are the rows recording that the company read the graduates,
// once each however often an id repeats.
func viewRows(companyID string, kind ViewKind, at time.Time, graduateIDs []string) []ProfileView {
	seen := make(map[string]bool, len(graduateIDs))
	rows := make([]ProfileView, 0, len(graduateIDs))
	for _, g := range graduateIDs {
		if seen[g] {
			continue
		}
		seen[g] = true
		rows = append(rows, ProfileView{ID: ids.New(), GraduateID: g, CompanyID: companyID, Kind: kind, At: at.UTC()})
	}
	return rows
}

// insertViews writes rows: on PostgreSQL in one statement of arrays
// whatever their number; on SQLite (in process, no round trips) in
// statements of 100, 10 and 1 rows, three texts that the connection keeps
// prepared, so a long export's thousands of views cost few statements and
// no parsing.
func insertViews(ctx context.Context, idb bun.IDB, rows []ProfileView) error {
	if len(rows) == 0 {
		return nil
	}
	if !db.IsPostgres(idb) {
		for _, size := range []int{100, 10, 1} {
			for len(rows) >= size {
				args := make([]any, 0, 5*size)
				for _, v := range rows[:size] {
					args = append(args, v.ID, v.GraduateID, v.CompanyID, string(v.Kind), v.At)
				}
				if _, err := db.Exec(ctx, idb, sqliteViewInsert(size), args...); err != nil {
					return fmt.Errorf("record %d profile views: %w", size, err)
				}
				rows = rows[size:]
			}
		}
		return nil
	}
	n := len(rows)
	viewIDs, graduates, companies, kinds, ats := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]time.Time, n)
	for i, v := range rows {
		viewIDs[i], graduates[i], companies[i], kinds[i], ats[i] = v.ID, v.GraduateID, v.CompanyID, string(v.Kind), v.At
	}
	_, err := db.Exec(ctx, idb, `INSERT INTO profile_views (id, graduate_id, company_id, kind, at)
SELECT * FROM unnest(?0::text[], ?1::text[], ?2::text[], ?3::text[], ?4::timestamptz[])`, viewIDs, graduates, companies, kinds, ats)
	if err != nil {
		return fmt.Errorf("record %d profile views: %w", n, err)
	}
	return nil
}

// sqliteViewInsert is the insert of n profile views, with placeholders
// ?0 to ?(5n-1).
func sqliteViewInsert(n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO profile_views (id, graduate_id, company_id, kind, at) VALUES ")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		k := 5 * i
		fmt.Fprintf(&b, "(?%d, ?%d, ?%d, ?%d, ?%d)", k, k+1, k+2, k+3, k+4)
	}
	return b.String()
}

// ViewFlushEvery is how often a serving process writes the profile views
// it has gathered (ViewLog).
const ViewFlushEvery = 250 * time.Millisecond

// ViewLog records profile views in batches: Record hands the rows to Run,
// which writes what has gathered every interval (or at once past
// maxPending rows) in one transaction. A search then costs no commit of
// its own (with SQLite's synchronous=FULL, a commit is an fsync, slower
// than the search itself); the price is that a crash of the process loses
// the views of its last interval. An export's graduates (RecordExport)
// are written when the export is done instead (or every exportEvery
// intervals for one cut short, or past maxPendingExported), sorted, in
// one transaction: the export's members are then appended at the member
// table's end, each new leaf filled once (see insertExports), after the
// download's last byte rather than during it. A crash loses the exports
// under way, and up to that long of those cut short. Run writes
// everything pending when its context ends, so a stopping server loses
// none; a Record after that writes at once. Each process has its own log;
// nothing is shared.
type ViewLog struct {
	db    *bun.DB
	every time.Duration
	log   *slog.Logger
	// kick asks for the views' write, kickExports for the exports'.
	kick, kickExports chan struct{}

	mu       sync.Mutex
	pending  []ProfileView
	exports  []exportBatch
	exported int // graduates in exports
	stopped  bool
}

// maxPending is how many views ViewLog gathers before writing without
// waiting for the interval; maxPendingExported is that for exported
// graduates, and exportEvery how many intervals they wait.
const (
	maxPending         = 2000
	maxPendingExported = 200_000
	exportEvery        = 120
)

// NewViewLog is a view log writing to d every interval; start Run.
func NewViewLog(d *bun.DB, every time.Duration, log *slog.Logger) *ViewLog {
	return &ViewLog{db: d, every: every, log: log, kick: make(chan struct{}, 1), kickExports: make(chan struct{}, 1)}
}

// Record hands the views to Run (idb is not used: they are written in
// Run's own transaction); once Run has stopped, it writes them at once.
func (l *ViewLog) Record(ctx context.Context, _ bun.IDB, companyID string, kind ViewKind, at time.Time, graduateIDs []string) error {
	if len(graduateIDs) == 0 {
		return nil
	}
	rows := viewRows(companyID, kind, at, graduateIDs)
	l.mu.Lock()
	if l.stopped {
		l.mu.Unlock()
		return Views{}.Record(ctx, l.db, companyID, kind, at, graduateIDs)
	}
	l.pending = append(l.pending, rows...)
	full := len(l.pending) >= maxPending
	l.mu.Unlock()
	l.kickIf(l.kick, full)
	return nil
}

// RecordExport hands an export's graduates to Run like Record, and asks
// for their write when the export is done (last); once Run has stopped,
// it writes them at once.
func (l *ViewLog) RecordExport(ctx context.Context, _ bun.IDB, exportID, companyID string, at time.Time, graduateIDs []string, last bool) error {
	if len(graduateIDs) == 0 {
		if last {
			l.kickIf(l.kickExports, true)
		}
		return nil
	}
	b := exportBatch{head: ProfileExport{ID: exportID, CompanyID: companyID, At: at.UTC()}, members: graduateIDs}
	l.mu.Lock()
	if l.stopped {
		l.mu.Unlock()
		return Views{}.RecordExport(ctx, l.db, exportID, companyID, at, graduateIDs, last)
	}
	l.exports = append(l.exports, b)
	l.exported += len(b.members)
	full := l.exported >= maxPendingExported
	l.mu.Unlock()
	l.kickIf(l.kickExports, full || last)
	return nil
}

// kickIf asks Run, on kick, for a write now when full.
func (l *ViewLog) kickIf(kick chan struct{}, full bool) {
	if full {
		select {
		case kick <- struct{}{}:
		default: // a write is already asked for
		}
	}
}

// Run writes the gathered views every interval, and exports every
// exportEvery intervals, until ctx ends, then writes what is pending and
// returns. A failed write is logged and its rows are tried again with the
// next one.
func (l *ViewLog) Run(ctx context.Context) {
	t := time.NewTicker(l.every)
	defer t.Stop()
	for ticks := 1; ; ticks++ {
		select {
		case <-t.C:
			l.flush(ctx, false, ticks%exportEvery == 0)
		case <-l.kick:
			l.flush(ctx, false, false)
		case <-l.kickExports:
			l.flush(ctx, false, true)
		case <-ctx.Done():
			l.flush(context.WithoutCancel(ctx), true, true)
			return
		}
	}
}

// flush writes the pending views, and the exports when withExports or
// past maxPendingExported, in one transaction; stop makes later Records
// write at once.
func (l *ViewLog) flush(ctx context.Context, stop, withExports bool) {
	l.mu.Lock()
	rows := l.pending
	l.pending = nil
	var exports []exportBatch
	if withExports || l.exported >= maxPendingExported {
		exports = l.exports
		l.exports, l.exported = nil, 0
	}
	l.stopped = l.stopped || stop
	l.mu.Unlock()
	if len(rows) == 0 && len(exports) == 0 {
		return
	}
	err := l.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := insertViews(ctx, tx, rows); err != nil {
			return err
		}
		return insertExports(ctx, tx, exports)
	})
	if err != nil {
		l.log.Error("write profile views", "rows", len(rows), "exports", len(exports), "err", err.Error())
		l.mu.Lock()
		l.pending = append(rows, l.pending...)
		for _, b := range exports {
			l.exported += len(b.members)
		}
		l.exports = append(exports, l.exports...)
		l.mu.Unlock()
	}
}
