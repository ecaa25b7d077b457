package openapi

import (
	"fmt"
	"sort"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// Operation is one operation of the document: its method, its path
// template (such as /v1/cohorts/{id}) and the names of the query
// parameters it takes, sorted.
type Operation struct {
	Method string
	Path   string
	Query  []string
}

// Operations lists every operation of Spec with the query parameters it
// takes (its path's and its own), so that the server refuses any other
// parameter with the document as the one source of truth. The document is
// parsed once per process: Spec is a constant of the binary, and parsing
// it for every app a test builds would cost more than the test.
var Operations = sync.OnceValues(func() ([]Operation, error) {
	return operations(Spec)
})

func operations(spec []byte) ([]Operation, error) {
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	var out []Operation
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o := Operation{Method: method, Path: path, Query: []string{}}
			for _, params := range []openapi3.Parameters{item.Parameters, op.Parameters} {
				for _, p := range params {
					if p.Value == nil {
						return nil, fmt.Errorf("openapi.yaml: %s %s: unresolved parameter %s", method, path, p.Ref)
					}
					if p.Value.In == openapi3.ParameterInQuery {
						o.Query = append(o.Query, p.Value.Name)
					}
				}
			}
			sort.Strings(o.Query)
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out, nil
}
