package httpapi

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/dates"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/platform/page"
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

// intQuery reads an optional integer query parameter: 0 when absent, 400
// when not an integer, 422 when outside [lo, hi].
func intQuery(c *fiber.Ctx, name string, lo, hi int) (int, error) {
	raw := c.Query(name)
	if raw == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		return 0, apperr.BadRequest("wrong_type", msg.ParamNotInteger, "name", name)
	}
	if n < lo || n > hi {
		return 0, apperr.Invalid(apperr.Field(name, msg.FieldBetween, "min", lo, "max", hi))
	}
	return n, nil
}

// boolQuery reads an optional true/false query parameter and whether it
// was given.
func boolQuery(c *fiber.Ctx, name string) (value, set bool, err error) {
	switch c.Query(name) {
	case "":
		return false, false, nil
	case "true":
		return true, true, nil
	case "false":
		return false, true, nil
	}
	return false, false, apperr.BadRequest("wrong_type", msg.ParamNotBoolean, "name", name)
}

// idQuery reads an optional id query parameter.
func idQuery(c *fiber.Ctx, name string) (string, error) {
	v := c.Query(name)
	if v != "" && !ids.Valid(v) {
		return "", apperr.Invalid(apperr.Field(name, msg.FieldID))
	}
	return v, nil
}

// pageParams reads limit and cursor from the query string.
func pageParams(c *fiber.Ctx) (page.Params, error) {
	p := page.Params{Limit: page.DefaultLimit}
	n, err := intQuery(c, "limit", 1, page.MaxLimit)
	if err != nil {
		return p, err
	}
	if n != 0 {
		p.Limit = n
	}
	after, err := page.Decode(c.Query("cursor"))
	if err != nil {
		return p, err
	}
	p.After = after
	return p, nil
}

// oneOf checks an optional enumerated query parameter.
func oneOf(c *fiber.Ctx, name string, allowed ...string) (string, error) {
	v := c.Query(name)
	if v == "" {
		return "", nil
	}
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	return "", apperr.Invalid(apperr.Field(name, msg.FieldOneOf, "values", allowed))
}

// readInstant sets *dst from an optional RFC 3339 timestamp or date (its
// start, UTC); it reports false for a value that is neither.
func readInstant(v string, dst **time.Time) bool {
	v = strings.TrimSpace(v)
	if v == "" {
		return true
	}
	t, ok := dates.Instant(v)
	if !ok {
		t, ok = dates.Day(v)
	}
	if ok {
		*dst = &t
	}
	return ok
}
