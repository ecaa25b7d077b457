package catalogue

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
)

// NCSUnit is one NCS (National Competency Standards) competency unit a
// course teaches: its code, such as 1903060101_17v2 (the ten-digit
// classification, the year of the standard and its version), its name and
// its NCS level, 1 to 8.
type NCSUnit struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Level int    `json:"level"`
}

// NCSUnits are a course's units; none is an empty list, never null.
type NCSUnits []NCSUnit

// MarshalJSON writes no units as [].
func (u NCSUnits) MarshalJSON() ([]byte, error) {
	if u == nil {
		return []byte("[]"), nil
	}
	return json.Marshal([]NCSUnit(u))
}

// NCS levels.
const (
	MinNCSLevel = 1
	MaxNCSLevel = 8
)

var ncsCodeRe = regexp.MustCompile(`^[0-9]{10}_[0-9]{2}v[0-9]{1,2}$`)

// normaliseNCS trims the texts of units as people type them.
func normaliseNCS(in []NCSUnit) NCSUnits {
	out := make(NCSUnits, len(in))
	for i, u := range in {
		out[i] = NCSUnit{Code: strings.TrimSpace(u.Code), Name: strings.TrimSpace(u.Name), Level: u.Level}
	}
	return out
}

// checkNCS names every bad unit: a code not of the NCS form, a blank name,
// a level outside 1–8, a unit listed twice.
func checkNCS(units NCSUnits) []apperr.FieldError {
	var bad []apperr.FieldError
	seen := map[string]int{}
	for i, u := range units {
		at := func(f string) string { return fmt.Sprintf("ncs_units[%d].%s", i, f) }
		if !ncsCodeRe.MatchString(u.Code) {
			bad = append(bad, apperr.Field(at("code"), msg.NCSCodeFormat))
		} else if j, dup := seen[u.Code]; dup {
			bad = append(bad, apperr.Field(at("code"), msg.NCSUnitRepeats, "index", j))
		} else {
			seen[u.Code] = i
		}
		if u.Name == "" {
			bad = append(bad, apperr.Field(at("name"), msg.FieldRequired))
		}
		if u.Level < MinNCSLevel || u.Level > MaxNCSLevel {
			bad = append(bad, apperr.Field(at("level"), msg.FieldBetween, "min", MinNCSLevel, "max", MaxNCSLevel))
		}
	}
	return bad
}
