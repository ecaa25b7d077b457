// Package openapi embeds SkillGrid's OpenAPI document, the machine-readable
// form of the API contract, so the server can serve it and tests can check
// every response against it.
package openapi

import _ "embed"

// Spec is openapi.yaml as it is in the repository.
//
//go:embed openapi.yaml
var Spec []byte
