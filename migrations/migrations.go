// Package migrations holds SkillGrid's one schema history. The SQL files are
// Go templates rendered with {{.Dialect}} ("pg" or "sqlite") so that a step
// that cannot be written once for both databases is split inside the step.
package migrations

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"

	"github.com/skillgrid/skillgrid/internal/platform/db"
)

//go:embed *.sql
var files embed.FS

// templateData is what the SQL templates see.
type templateData struct {
	Dialect string
}

// Fingerprint is a hex SHA-256 of every file of the history, names and
// contents: two builds with equal fingerprints migrate to the same schema.
func Fingerprint() string {
	h := sha256.New()
	entries, _ := files.ReadDir(".") // sorted by name; the embedded FS cannot fail
	for _, e := range entries {
		b, _ := files.ReadFile(e.Name())
		fmt.Fprintf(h, "%s %d\n", e.Name(), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Migrator returns a bun migrator over the embedded history for d.
func Migrator(d *bun.DB) (*migrate.Migrator, error) {
	ms := migrate.NewMigrations()
	if err := ms.Discover(files); err != nil {
		return nil, fmt.Errorf("discover migrations: %w", err)
	}
	return migrate.NewMigrator(d, ms,
		migrate.WithTemplateData(templateData{Dialect: db.DialectName(d)}),
		migrate.WithMarkAppliedOnSuccess(true),
	), nil
}

// Up applies every pending step. Several processes may start at once on one
// PostgreSQL database: the migration lock makes them take turns.
func Up(ctx context.Context, d *bun.DB) (*migrate.MigrationGroup, error) {
	return locked(ctx, d, "migrate up", func(m *migrate.Migrator) (*migrate.MigrationGroup, error) { return m.Migrate(ctx) })
}

// Down rolls back the last applied group.
func Down(ctx context.Context, d *bun.DB) (*migrate.MigrationGroup, error) {
	return locked(ctx, d, "migrate down", func(m *migrate.Migrator) (*migrate.MigrationGroup, error) { return m.Rollback(ctx) })
}

// locked runs one change of the schema under the migration lock.
func locked(ctx context.Context, d *bun.DB, what string, change func(*migrate.Migrator) (*migrate.MigrationGroup, error)) (*migrate.MigrationGroup, error) {
	m, err := Migrator(d)
	if err != nil {
		return nil, err
	}
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("init migrations: %w", err)
	}
	unlock, err := lock(ctx, m)
	if err != nil {
		return nil, err
	}
	defer unlock()
	g, err := change(m)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return g, nil
}

// Status lists every step with whether it is applied.
func Status(ctx context.Context, d *bun.DB) (migrate.MigrationSlice, error) {
	m, err := Migrator(d)
	if err != nil {
		return nil, err
	}
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("init migrations: %w", err)
	}
	return m.MigrationsWithStatus(ctx)
}

// Pending counts the steps not yet applied; /readyz wants zero.
func Pending(ctx context.Context, d *bun.DB) (int, error) {
	m, err := Migrator(d)
	if err != nil {
		return 0, err
	}
	ms, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		return 0, err
	}
	return len(ms.Unapplied()), nil
}

func lock(ctx context.Context, m *migrate.Migrator) (func(), error) {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		err := m.Lock(ctx)
		if err == nil {
			return func() { _ = m.Unlock(context.WithoutCancel(ctx)) }, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("take migration lock: %w", err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
