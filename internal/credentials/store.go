package credentials

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/results"
)

// Store is the SQL of keys, status lists and credentials. Every method runs
// on the bun.IDB it is given.
type Store struct{}

type keyRow struct {
	KID        string    `bun:"kid"`
	Alg        string    `bun:"alg"`
	PrivatePEM string    `bun:"private_pem"`
	CreatedAt  time.Time `bun:"created_at"`
}

func (Store) keys(ctx context.Context, idb bun.IDB) ([]keyRow, error) {
	var rs []keyRow
	if err := idb.NewSelect().Table("signing_keys").Column("kid", "alg", "private_pem", "created_at").
		OrderExpr("created_at, kid").Scan(ctx, &rs); err != nil {
		return nil, fmt.Errorf("read signing keys: %w", err)
	}
	return rs, nil
}

// lockKeys makes the transaction the only one that may add keys until it
// ends, so that two processes starting together generate one set between
// them (SQLite's write transaction already holds the database).
func (Store) lockKeys(ctx context.Context, tx bun.IDB) error {
	if !db.IsPostgres(tx) {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE"); err != nil {
		return fmt.Errorf("lock signing keys: %w", err)
	}
	return nil
}

func (Store) insertKey(ctx context.Context, tx bun.IDB, r keyRow) error {
	if _, err := tx.NewInsert().Model(&r).ModelTableExpr("signing_keys").Exec(ctx); err != nil {
		return fmt.Errorf("store signing key: %w", err)
	}
	return nil
}

// facts reads what a credential states about the certificate with code,
// without its status-list place.
func (Store) facts(ctx context.Context, idb bun.IDB, code string) (Facts, error) {
	var f Facts
	err := idb.NewSelect().TableExpr("certificates AS cert").
		ColumnExpr("cert.id AS certificate_id, cert.code, cert.issued_at, cert.status, cert.revoked_at").
		ColumnExpr("u.name AS trainee_name, u.email").
		ColumnExpr("co.id AS course_id, co.code AS course_code, co.title AS course_title, co.description, co.track, co.level, co.ncs_units").
		ColumnExpr("co.hours, co.pass_score, co.min_attendance, e.score, e.attended_hours").
		ColumnExpr("cc.list_id, cc.status_index, cc.identity_salt").
		Join("JOIN users AS u ON u.id = cert.trainee_id").
		Join("JOIN courses AS co ON co.id = cert.course_id").
		Join("JOIN enrolments AS e ON e.id = cert.enrolment_id").
		Join("LEFT JOIN certificate_credentials AS cc ON cc.certificate_id = cert.id").
		Where("cert.code = ?", code).Scan(ctx, &f)
	if err != nil {
		return f, db.NotFound(err, msg.NotFoundCertificate)
	}
	return f, nil
}

// openList is a list with room for another entry, or false when every list
// is full.
func (Store) openList(ctx context.Context, idb bun.IDB) (string, int, bool, error) {
	var r struct {
		ID   string `bun:"id"`
		Size int    `bun:"size"`
	}
	err := idb.NewSelect().TableExpr("status_lists AS l").Column("l.id", "l.size").
		Where("(SELECT count(*) FROM certificate_credentials AS cc WHERE cc.list_id = l.id) < ?", ListFill).
		OrderExpr("l.created_at, l.id").Limit(1).Scan(ctx, &r)
	if errors.Is(err, sql.ErrNoRows) {
		return "", 0, false, nil
	}
	if err != nil {
		return "", 0, false, fmt.Errorf("find a status list: %w", err)
	}
	return r.ID, r.Size, true, nil
}

func (Store) createList(ctx context.Context, idb bun.IDB, id string, size int, now time.Time) error {
	row := struct {
		bun.BaseModel `bun:"table:status_lists"`
		ID            string    `bun:"id"`
		Purpose       string    `bun:"purpose"`
		Size          int       `bun:"size"`
		CreatedAt     time.Time `bun:"created_at"`
	}{ID: id, Purpose: Revocation, Size: size, CreatedAt: now}
	_, err := idb.NewInsert().Model(&row).Exec(ctx)
	if err != nil {
		return fmt.Errorf("create status list: %w", err)
	}
	return nil
}

// place gives a certificate its index in a list, and reports false, with
// nothing written, when that index is taken or the certificate already has
// its place (a concurrent first request): the caller reads or draws again.
func (Store) place(ctx context.Context, idb bun.IDB, certID, listID string, idx int, salt string, now time.Time) (bool, error) {
	row := struct {
		bun.BaseModel `bun:"table:certificate_credentials"`
		CertificateID string    `bun:"certificate_id"`
		ListID        string    `bun:"list_id"`
		StatusIndex   int       `bun:"status_index"`
		IdentitySalt  string    `bun:"identity_salt"`
		CreatedAt     time.Time `bun:"created_at"`
	}{CertificateID: certID, ListID: listID, StatusIndex: idx, IdentitySalt: salt, CreatedAt: now}
	ok, err := db.ChangedOne(ctx, idb.NewInsert().Model(&row).On("CONFLICT DO NOTHING"))
	if err != nil {
		return false, fmt.Errorf("place certificate in status list: %w", err)
	}
	return ok, nil
}

type list struct {
	ID        string    `bun:"id"`
	Size      int       `bun:"size"`
	CreatedAt time.Time `bun:"created_at"`
}

func (Store) list(ctx context.Context, idb bun.IDB, id string) (list, error) {
	var l list
	if err := idb.NewSelect().Table("status_lists").Column("id", "size", "created_at").Where("id = ?", id).Scan(ctx, &l); err != nil {
		return l, db.NotFound(err, msg.NotFoundStatusList)
	}
	return l, nil
}

// revokedIndices are the indices of a list whose certificates are revoked:
// the list's bit is the certificate's status, so a revocation sets it in
// its own transaction.
func (Store) revokedIndices(ctx context.Context, idb bun.IDB, listID string) ([]int, error) {
	var idx []int
	err := idb.NewSelect().TableExpr("certificate_credentials AS cc").ColumnExpr("cc.status_index").
		Join("JOIN certificates AS cert ON cert.id = cc.certificate_id").
		Where("cc.list_id = ?", listID).Where("cert.status = ?", results.Revoked).Scan(ctx, &idx)
	if err != nil {
		return nil, fmt.Errorf("read revoked entries: %w", err)
	}
	return idx, nil
}
