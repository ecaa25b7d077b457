package pool

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
)

func (s Store) insertContactRequest(ctx context.Context, idb bun.IDB, cr *ContactRequest) error {
	if _, err := idb.NewInsert().Model(cr).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("contact_request_open", msg.ContactRequestOpen)
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
		return cr, db.NotFound(err, msg.NotFoundContactRequest)
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
		return r, db.NotFound(err, msg.NotFoundContactRequest)
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
		return r, db.NotFound(err, msg.NotFoundContactRequest)
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

func (s Store) insertHire(ctx context.Context, idb bun.IDB, h *Hire) error {
	if _, err := idb.NewInsert().Model(h).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("already_hired", msg.AlreadyHired)
		}
		return fmt.Errorf("insert hire: %w", err)
	}
	return nil
}
