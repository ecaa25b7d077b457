package catalogue

import (
	"context"
	"strings"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// ListLevels lists the five fixed levels.
func (s *Service) ListLevels() List[Level] {
	return List[Level]{Items: append([]Level(nil), Levels...)}
}

// ListTracks lists every track, by code.
func (s *Service) ListTracks(ctx context.Context) (List[Track], error) {
	ts, err := s.Store.tracks(ctx, s.DB)
	if err != nil {
		return List[Track]{}, err
	}
	return List[Track]{Items: ts}, nil
}

// CheckTrackFilter refuses a filter naming a track that does not exist,
// with the codes there are, so that a misspelt track is an error instead of
// an empty list. Codes compare as stored (lower case); an empty code
// filters nothing.
func (s *Service) CheckTrackFilter(ctx context.Context, field, code string) error {
	code = strings.ToLower(strings.TrimSpace(code))
	if code == "" {
		return nil
	}
	ts, err := s.Store.tracks(ctx, s.DB)
	if err != nil {
		return err
	}
	codes := make([]string, 0, len(ts))
	for _, t := range ts {
		if t.Code == code {
			return nil
		}
		codes = append(codes, t.Code)
	}
	return apperr.Invalid(apperr.Field(field, msg.FieldOneOf, "values", strings.Join(codes, ", ")))
}

// CreateTrack adds a track. Codes are lower-case words joined by hyphens.
func (s *Service) CreateTrack(ctx context.Context, actor auth.Actor, code, name string) (Track, error) {
	code = strings.ToLower(strings.TrimSpace(code))
	if !trackCodeRe.MatchString(code) {
		return Track{}, apperr.Invalid(apperr.Field("code", msg.TrackCodeFormat))
	}
	now := s.Now().UTC()
	t := Track{Code: code, Name: strings.TrimSpace(name), CreatedAt: now}
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		if err := s.Store.insertTrack(ctx, tx, &t); err != nil {
			return err
		}
		if err := s.Store.bumpVersion(ctx, tx); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "track.created", Entity: "track", EntityID: t.Code, After: t,
		})
	})
	return t, err
}
