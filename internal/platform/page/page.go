// Package page is keyset pagination: an opaque cursor that names the last
// item a client saw, so that pages stay stable while rows are inserted.
package page

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
)

// Default and maximum page sizes.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// Params is a request for one page: at most Limit items after the position
// After (nil for the first page).
type Params struct {
	Limit int
	After []string
}

// Page is one page of a list, as every list endpoint answers it.
type Page[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// Decode turns a cursor from a client back into the key it names. A cursor
// that SkillGrid did not make is a 400.
func Decode(cursor string) ([]string, error) {
	if cursor == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	var key []string
	if err == nil {
		err = json.Unmarshal(b, &key)
	}
	if err != nil || len(key) == 0 || !plain(key) {
		return nil, apperr.BadRequest("invalid_cursor", msg.InvalidCursor)
	}
	return key, nil
}

// plain reports whether every part of a key is short text without control
// characters: every key SkillGrid makes is (ids, codes, timestamps), and a
// NUL in a forged one would otherwise reach the database.
func plain(key []string) bool {
	for _, k := range key {
		if len(k) > maxKeyPart || strings.IndexFunc(k, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
			return false
		}
	}
	return true
}

// maxKeyPart bounds one part of a cursor's key.
const maxKeyPart = 200

// Encode makes the opaque cursor for a key.
func Encode(key ...string) string {
	b, _ := json.Marshal(key)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Build cuts rows (fetched with Limit+1) to one page, making the next
// cursor from the last item kept when there are more.
func Build[T any](rows []T, limit int, key func(T) []string) Page[T] {
	p := Page[T]{Items: rows}
	if p.Items == nil {
		p.Items = []T{}
	}
	if len(rows) > limit {
		p.Items = rows[:limit]
		c := Encode(key(p.Items[limit-1])...)
		p.NextCursor = &c
	}
	return p
}

// Key checks that a decoded cursor has n parts, for lists keyed on several
// columns.
func Key(after []string, n int) ([]string, error) {
	if after != nil && len(after) != n {
		return nil, apperr.BadRequest("invalid_cursor", msg.InvalidCursor)
	}
	return after, nil
}
