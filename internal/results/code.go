package results

import (
	"crypto/rand"
	"fmt"
	"strings"
)

// crockford is Crockford's base32 alphabet: no I, L, O or U, so a code read
// aloud or typed from paper has no look-alike characters.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// codeChars is how many base32 characters a code has: 16 × 5 = 80 random
// bits.
const codeChars = 16

// newCode makes a certificate code such as SG-7Q2M-K9TX-4HBD-R1VZ from 80
// bits of crypto/rand.
func newCode() (string, error) {
	b := make([]byte, codeChars)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random certificate code: %w", err)
	}
	raw := make([]byte, codeChars)
	for i, v := range b {
		raw[i] = crockford[v&31] // 5 uniform bits of each random byte
	}
	return group(string(raw)), nil
}

func group(raw string) string {
	return "SG-" + raw[0:4] + "-" + raw[4:8] + "-" + raw[8:12] + "-" + raw[12:16]
}

// NormaliseCode accepts a code as people type it (any case, with or without
// the SG- prefix and hyphens, O for 0, I or L for 1) and returns its
// canonical form, or false when it cannot be a code.
func NormaliseCode(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "SG-")
	var raw strings.Builder
	for _, r := range s {
		switch {
		case r == '-' || r == ' ':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if r > 127 || !strings.ContainsRune(crockford, r) {
			return "", false
		}
		raw.WriteRune(r)
	}
	if raw.Len() != codeChars {
		return "", false
	}
	return group(raw.String()), true
}
