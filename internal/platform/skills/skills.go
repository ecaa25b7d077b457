// Package skills holds the one way SkillGrid writes skill tags, which
// courses (their skills taught) and trainees (their skills claimed) share
// so that the pool's skill filter matches one against the other.
package skills

import (
	"sort"
	"strings"
)

// Normalise lower-cases and trims skill tags, drops the empty ones and
// duplicates, and sorts them; it never returns nil.
func Normalise(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := []string{}
	for _, s := range in {
		s = strings.ToLower(strings.TrimSpace(s))
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
