package catalogue

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/fresh"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
)

// Eligibility reads trainees' levels and decides whether one may take a
// course, by the level rule (levelrule.go). It needs nothing but the handle
// each call is given, so its zero value is ready to use: the enrolment
// work, which the catalogue's Service needs at construction (see New),
// takes it before that Service exists. The Service embeds it, so the
// catalogue answers these questions too.
type Eligibility struct {
	store Store
}

// TraineeLevels is the trainee's level per track: the highest level of a
// course they completed in it, or their latest admin placement if that is
// higher. Tracks at level 0 are left out. It implements account.Levels.
func (e Eligibility) TraineeLevels(ctx context.Context, idb bun.IDB, traineeID string) (map[string]int, error) {
	st, err := e.standing(ctx, idb, traineeID)
	if err != nil {
		return nil, err
	}
	return st.levels, nil
}

// LevelsOf is TraineeLevels for many trainees in two queries, keyed by
// trainee id; a trainee with no level anywhere maps to an empty map. The
// graduate pool reads a page (or an export chunk) of graduates with it.
func (e Eligibility) LevelsOf(ctx context.Context, idb bun.IDB, traineeIDs []string) (map[string]map[string]int, error) {
	out := make(map[string]map[string]int, len(traineeIDs))
	if len(traineeIDs) == 0 {
		return out, nil
	}
	rows, err := e.store.standings(ctx, idb, traineeIDs)
	if err != nil {
		return nil, err
	}
	byTrainee := map[string][]standingRow{}
	for _, r := range rows {
		byTrainee[r.TraineeID] = append(byTrainee[r.TraineeID], r.standingRow)
	}
	for _, id := range traineeIDs {
		out[id] = standingOf(byTrainee[id]).levels
	}
	return out, nil
}

// Place records an admin's placement of a trainee at a level in a track,
// audited as placement.created. A later placement replaces an earlier one
// in the same track, so a placement can be corrected downwards; completed
// courses still count.
func (s *Service) Place(ctx context.Context, actor auth.Actor, traineeID string, in NewPlacement) (Placement, error) {
	if !ids.Valid(traineeID) {
		return Placement{}, apperr.NotFound(msg.NotFoundTrainee)
	}
	now := s.Now().UTC()
	p := Placement{
		ID: ids.New(), TraineeID: traineeID, Track: strings.ToLower(strings.TrimSpace(in.Track)),
		Level: in.Level, Reason: strings.TrimSpace(in.Reason), PlacedBy: actor.ID, CreatedAt: now,
	}
	err := db.InTx(ctx, s.DB, func(ctx context.Context, tx bun.Tx) error {
		u, err := s.Store.user(ctx, tx, traineeID)
		if apperr.IsKind(err, apperr.KindNotFound) || (err == nil && u.Role != string(auth.Trainee)) {
			return apperr.NotFound(msg.NotFoundTrainee)
		}
		if err != nil {
			return err
		}
		if ok, err := s.Store.trackExists(ctx, tx, p.Track); err != nil {
			return err
		} else if !ok {
			return apperr.Invalid(apperr.Field("track", msg.UnknownTrack, "track", p.Track))
		}
		levels, err := s.TraineeLevels(ctx, tx, traineeID)
		if err != nil {
			return err
		}
		if err := s.Store.insertPlacement(ctx, tx, &p); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, audit.Change{
			ActorID: actor.ID, Action: "placement.created", Entity: "placement", EntityID: p.ID,
			Before: map[string]any{"trainee_id": traineeID, "track": p.Track, "level": levels[p.Track]},
			After:  p,
		})
	})
	if err != nil {
		return Placement{}, err
	}
	return p, nil
}

func (e Eligibility) standing(ctx context.Context, idb bun.IDB, traineeID string) (standing, error) {
	rows, err := e.store.standing(ctx, idb, traineeID)
	if err != nil {
		return standing{}, err
	}
	return standingOf(rows), nil
}

// eligible is THE eligibility rule, shared by enrolment (through
// CheckEligible) and recommendations: a course already completed is a
// conflict; a course of level L in track T needs level(T) ≥ L-1 and every
// prerequisite completed. codes names prerequisites by id for the message.
func eligible(c gate, st standing) error {
	if st.completed[c.ID] {
		return apperr.Conflict("already_completed", msg.AlreadyCompleted, "course", c.Code)
	}
	if have := st.levels[c.Track]; !levelAllows(have, c.Level) {
		return apperr.Rule("level_too_low", msg.LevelTooLow, "course", c.Code, "level", c.Level, "needs", c.Level-1, "track", c.Track, "have", have)
	}
	var missing []string
	for pid, code := range c.Prerequisites {
		if !st.completed[pid] {
			missing = append(missing, code)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return apperr.Rule("prerequisite_missing", msg.PrerequisiteMissing, "courses", missing)
	}
	return nil
}

// CheckEligible reports whether the trainee may enrol in the course now, as
// far as their level and completions go: nil, or apperr.Rule level_too_low or
// prerequisite_missing (422) naming what is missing, or apperr.Conflict
// already_completed (409). It reads through idb; enrolment checks through
// EligibilityChecks instead, which reads for the requests in flight at once.
func (e Eligibility) CheckEligible(ctx context.Context, idb bun.IDB, traineeID, courseID string) error {
	k := eligibilityKey{TraineeID: traineeID, CourseID: courseID}
	facts, err := e.store.eligibilityFacts(ctx, idb, []eligibilityKey{k})
	if err != nil {
		return err
	}
	return judge(facts[k])
}

// EligibilityChecks is CheckEligible for a registration rush: the facts of
// the checks in flight are read together where that is cheaper
// (db.ReadTogether), each check getting a read that began after it asked,
// so that it is as fresh as a read of its own. Make it with
// Eligibility.Checks.
type EligibilityChecks struct {
	facts *fresh.Batch[eligibilityKey, []standingRow]
}

// Checks is an EligibilityChecks reading on reads (db.ReadTogether).
func (e Eligibility) Checks(reads bun.IDB) *EligibilityChecks {
	return &EligibilityChecks{facts: db.ReadTogether(reads, e.store.eligibilityFacts)}
}

// CheckEligible is Eligibility.CheckEligible, read with the other checks
// in flight.
func (c *EligibilityChecks) CheckEligible(ctx context.Context, traineeID, courseID string) error {
	rows, _, err := c.facts.Get(ctx, eligibilityKey{TraineeID: traineeID, CourseID: courseID})
	if err != nil {
		return fmt.Errorf("read eligibility of %s for %s: %w", traineeID, courseID, err)
	}
	return judge(rows)
}

// judge applies the rule (eligible) to the facts eligibilityFacts read
// for one trainee and course.
func judge(rows []standingRow) error {
	g := gate{Prerequisites: map[string]string{}}
	found := false
	var standingRows []standingRow
	for _, r := range rows {
		switch r.Kind {
		case "g":
			found = true
			g.ID, g.Track, g.Level = deref(r.CourseID), r.Track, r.Level
			g.Code = deref(r.Code)
		case "r":
			g.Prerequisites[deref(r.CourseID)] = deref(r.Code)
		default:
			standingRows = append(standingRows, r)
		}
	}
	if !found {
		return apperr.NotFound(msg.NotFoundCourse)
	}
	return eligible(g, standingOf(standingRows))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// gate is what eligibility needs of a course: its track, level and
// prerequisites with their codes, in one query.
type gate struct {
	ID            string
	Code          string
	Track         string
	Level         int
	Prerequisites map[string]string // id -> code
}
