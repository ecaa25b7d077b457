package msg

import (
	"slices"
	"strings"
	"testing"
)

// One scanner finds placeholders for both filling a text and listing its
// parameters: unclosed braces and text around them pass through as written.
func TestPlaceholdersAreScannedOnce(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		tmpl   string
		params []string
		filled string // with a="A" only
	}{
		{"plain", []string{}, "plain"},
		{"{a} and {b}, {a}", []string{"a", "b"}, "A and {b}, A"},
		{"open { only", []string{}, "open { only"},
		{"x{a}y{unclosed", []string{"a"}, "xAy{unclosed"},
		{"{}", []string{""}, "{}"},
	} {
		if got := params(c.tmpl); !slices.Equal(got, c.params) {
			t.Errorf("params(%q) = %q, want %q", c.tmpl, got, c.params)
		}
		var b strings.Builder
		rest := placeholders(c.tmpl, func(lit, name, whole string) {
			b.WriteString(lit)
			if name == "a" {
				b.WriteString("A")
			} else {
				b.WriteString(whole)
			}
		})
		if got := b.String() + rest; got != c.filled {
			t.Errorf("filled %q = %q, want %q", c.tmpl, got, c.filled)
		}
	}
}
