// Package ids makes the opaque identifiers SkillGrid hands out.
package ids

import "github.com/google/uuid"

// New returns a UUIDv7 string: random enough to be unguessable, and ordered
// by creation time so that keyset pagination by id follows arrival order.
func New() string {
	return uuid.Must(uuid.NewV7()).String()
}

// Valid reports whether s looks like a UUID, so that a malformed id in a
// path answers 404 without reaching the database.
func Valid(s string) bool {
	return uuid.Validate(s) == nil && len(s) == 36
}
