package db

import (
	"strings"
	"testing"
)

func TestPlaceholders(t *testing.T) {
	cases := map[string]string{
		"SELECT 1":                          "SELECT 1",
		"WHERE a = ?0 AND b = ?1 OR c = ?0": "WHERE a = $1 AND b = $2 OR c = $1",
		"x = ?10, y = ?9":                   "x = $11, y = $10",
		"'a?' || ?2":                        "'a?' || $3",
		"trailing ?":                        "trailing ?",
	}
	for in, want := range cases {
		if got := placeholders(in, '$'); got != want {
			t.Errorf("placeholders(%q, '$') = %q, want %q", in, got, want)
		}
		if got, want := placeholders(in, '?'), strings.ReplaceAll(want, "$", "?"); got != want {
			t.Errorf("placeholders(%q, '?') = %q, want %q", in, got, want)
		}
	}
}
