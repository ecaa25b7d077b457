package catalogue

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
)

func (s Store) tracks(ctx context.Context, idb bun.IDB) ([]Track, error) {
	ts := []Track{}
	if err := idb.NewSelect().Model(&ts).Order("code").Scan(ctx); err != nil {
		return nil, fmt.Errorf("list tracks: %w", err)
	}
	return ts, nil
}

func (s Store) trackExists(ctx context.Context, idb bun.IDB, code string) (bool, error) {
	ok, err := idb.NewSelect().Model((*Track)(nil)).Where("code = ?", code).Exists(ctx)
	if err != nil {
		return false, fmt.Errorf("find track %s: %w", code, err)
	}
	return ok, nil
}

func (s Store) insertTrack(ctx context.Context, idb bun.IDB, t *Track) error {
	if _, err := idb.NewInsert().Model(t).Exec(ctx); err != nil {
		if db.IsUniqueViolation(err) {
			return apperr.Conflict("track_exists", msg.TrackExists, "code", t.Code)
		}
		return fmt.Errorf("insert track: %w", err)
	}
	return nil
}
