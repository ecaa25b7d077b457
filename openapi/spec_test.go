package openapi

import (
	"strings"
	"testing"
)

// The document is OpenAPI 3.1 (for its webhooks entry): JSON Schema's
// null type replaces 3.0's nullable, and exclusiveMinimum is a number. A
// 3.0 keyword left in would be ignored by validators, so that a null the
// server sends would fail every test that reads it, far from its cause.
func TestNoOpenAPI30Keywords(t *testing.T) {
	t.Parallel()
	for i, line := range strings.Split(string(Spec), "\n") {
		l := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(l, "nullable:"):
			t.Errorf("line %d: %q is OpenAPI 3.0; write the type as [T, \"null\"] (e.g. type: [string, \"null\"])", i+1, l)
		case l == "exclusiveMinimum: true" || l == "exclusiveMaximum: true":
			t.Errorf("line %d: %q is OpenAPI 3.0; give the bound itself (exclusiveMinimum: 0) and drop minimum", i+1, l)
		}
	}
	if !strings.HasPrefix(string(Spec), "openapi: 3.1.") {
		t.Error("the document is no longer OpenAPI 3.1, which its webhooks entry needs")
	}
}
