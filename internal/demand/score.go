package demand

import "time"

// The fit rule, in one place. A graduate matches a demand when they are in
// the pool and their level in the demand's track (the catalogue's level
// rule) is at least its min_level. Their fit is a score from 0 to 100, the
// sum of four factors:
//
//   - level, up to 40: LevelBase at min_level, LevelStep more for each level
//     above it, up to LevelStepsMax steps;
//   - skills, up to 30: SkillsMax × the share of the demand's skills the
//     graduate has, rounded down (all of it when the demand names none);
//   - region, up to 15: RegionMax when the demand names no region or the
//     graduate's region is the demand's, else 0;
//   - recency, up to 15: by how long ago the graduate last completed a
//     course that qualifies them (the track, min_level or above): the
//     points of the first RecencyBands entry it is within, else 0 (also
//     for a graduate who qualifies by an admin placement only).
//
// Score is the rule as a Go function; the matches query (store.go) is
// built from these same constants, and a test checks on random data, on
// both databases, that the two rank alike.
const (
	LevelBase     = 30
	LevelStep     = 5
	LevelStepsMax = 2
	SkillsMax     = 30
	RegionMax     = 15
)

// RecencyBand gives Points to a qualifying completion at most Within ago.
type RecencyBand struct {
	Within time.Duration
	Points int
}

// RecencyBands are the recency factor's steps, most recent first.
var RecencyBands = []RecencyBand{
	{Within: 90 * 24 * time.Hour, Points: 15},
	{Within: 180 * 24 * time.Hour, Points: 10},
	{Within: 365 * 24 * time.Hour, Points: 5},
}

// Need is what the fit rule reads of a demand.
type Need struct {
	MinLevel int
	Skills   int // how many skills the demand names
	Region   string
}

// Candidate is what the fit rule reads of a graduate.
type Candidate struct {
	// Level is the graduate's level in the demand's track.
	Level int
	// SkillsHeld is how many of the demand's skills the graduate has.
	SkillsHeld int
	Region     string
	// QualifiedAt is the graduate's latest completion of a course in the
	// track at min_level or above; nil when only a placement qualifies them.
	QualifiedAt *time.Time
}

// Factors are the parts of a fit score; they add up to it.
type Factors struct {
	Level   int `json:"level"`
	Skills  int `json:"skills"`
	Region  int `json:"region"`
	Recency int `json:"recency"`
}

// Total is the score the factors add up to.
func (f Factors) Total() int { return f.Level + f.Skills + f.Region + f.Recency }

// Matches reports whether a graduate at level in the demand's track
// matches a demand asking for minLevel.
func Matches(minLevel, level int) bool { return level >= minLevel }

// Score is the fit of candidate c for need n at the time now; ok is false
// when c does not match n at all.
func Score(n Need, c Candidate, now time.Time) (f Factors, ok bool) {
	if !Matches(n.MinLevel, c.Level) {
		return Factors{}, false
	}
	f.Level = LevelBase + LevelStep*min(c.Level-n.MinLevel, LevelStepsMax)
	f.Skills = SkillsMax
	if n.Skills > 0 {
		f.Skills = SkillsMax * min(c.SkillsHeld, n.Skills) / n.Skills
	}
	if n.Region == "" || c.Region == n.Region {
		f.Region = RegionMax
	}
	if c.QualifiedAt != nil {
		for _, b := range RecencyBands {
			if !c.QualifiedAt.Before(now.Add(-b.Within)) {
				f.Recency = b.Points
				break
			}
		}
	}
	return f, true
}
