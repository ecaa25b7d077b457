package httpapi

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/openapi"
)

// queryParameters knows which query parameters each operation of the
// OpenAPI document takes, so that a misspelt filter is refused instead of
// silently widening a search. The document is the one list: a parameter
// is accepted only once it is documented.
type queryParameters struct {
	ops []queryOperation
}

type queryOperation struct {
	method   string
	segments []string // path segments; "" stands for a {parameter}
	takes    map[string]bool
	names    []string
}

func newQueryParameters(ops []openapi.Operation) queryParameters {
	var q queryParameters
	for _, op := range ops {
		qo := queryOperation{method: op.Method, takes: map[string]bool{}, names: op.Query}
		for _, seg := range strings.Split(strings.Trim(op.Path, "/"), "/") {
			if strings.HasPrefix(seg, "{") {
				seg = ""
			}
			qo.segments = append(qo.segments, strings.ToLower(seg))
		}
		for _, n := range op.Query {
			qo.takes[n] = true
		}
		q.ops = append(q.ops, qo)
	}
	return q
}

// operation finds the documented operation a request is for, as Fiber's
// router would (case-insensitive, a trailing slash ignored); a literal
// segment beats a parameter. nil: no such operation (404 or 405 follow).
func (q queryParameters) operation(method, path string) *queryOperation {
	if method == fiber.MethodHead {
		method = fiber.MethodGet
	}
	segs := strings.Split(strings.ToLower(strings.Trim(path, "/")), "/")
	var best *queryOperation
	bestLiterals := -1
	for i := range q.ops {
		op := &q.ops[i]
		if op.method != method || len(op.segments) != len(segs) {
			continue
		}
		literals, ok := 0, true
		for j, s := range op.segments {
			switch {
			case s == "" && segs[j] != "":
			case s == segs[j] && s != "":
				literals++
			default:
				ok = false
			}
			if !ok {
				break
			}
		}
		if ok && literals > bestLiterals {
			best, bestLiterals = op, literals
		}
	}
	return best
}

// refuseUnknown answers 400 unknown_parameter when the query holds a
// parameter the operation does not take, naming it and what it takes.
func (q queryParameters) refuseUnknown(c *fiber.Ctx) error {
	args := c.Request().URI().QueryArgs()
	if args.Len() == 0 {
		return c.Next()
	}
	op := q.operation(c.Method(), c.Path())
	if op == nil {
		return c.Next()
	}
	seen := map[string]bool{}
	var unknown []string
	for k := range args.All() {
		name := string(k)
		if !op.takes[name] && !seen[name] {
			seen[name] = true
			unknown = append(unknown, fmt.Sprintf("%q", name))
		}
	}
	if len(unknown) == 0 {
		return c.Next()
	}
	sort.Strings(unknown)
	if len(op.names) == 0 {
		return apperr.BadRequest("unknown_parameter", msg.UnknownParametersNone, "names", strings.Join(unknown, ", "))
	}
	return apperr.BadRequest("unknown_parameter", msg.UnknownParameters, "names", strings.Join(unknown, ", "), "allowed", strings.Join(op.names, ", "))
}
