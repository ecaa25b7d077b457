package msg

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// idArg is where the catalogue id sits in the calls that take one, and
// whether name/value parameters follow it.
var idArg = map[string]struct {
	at     int
	params bool
}{
	"apperr.NotFound": {0, false}, "apperr.Unauthorized": {0, false}, "apperr.Unavailable": {0, false},
	"apperr.RateLimited": {0, false}, "db.NotFound": {1, false},
	"apperr.Rule": {1, true}, "apperr.Conflict": {1, true}, "apperr.BadRequest": {1, true},
	"apperr.Forbidden": {1, true}, "apperr.Field": {1, true},
	"msg.New": {0, true}, "msg.Text": {1, true},
}

// TestEveryUseNamesACatalogueTextWithItsParameters reads the code that
// builds texts for people: the text must be an id of the catalogue, never
// English written in place, and the parameters given must be exactly the
// ones the text names.
func TestEveryUseNamesACatalogueTextWithItsParameters(t *testing.T) {
	byName := map[string]ID{}
	for id, name := range declaredIDs(t) {
		byName[name] = id
	}
	checked := 0
	for _, root := range []string{"../../internal", "../../cmd"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.Contains(path, "internal/msg/") {
				return err
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				pkg, ok := sel.X.(*ast.Ident)
				if !ok {
					return true
				}
				spec, ok := idArg[pkg.Name+"."+sel.Sel.Name]
				if !ok || len(call.Args) <= spec.at {
					return true
				}
				where := fset.Position(call.Pos()).String()
				var id ID
				switch a := call.Args[spec.at].(type) {
				case *ast.BasicLit, *ast.BinaryExpr:
					t.Errorf("%s: text written in place; put it in the message catalogue", where)
					return true
				case *ast.SelectorExpr:
					if x, ok := a.X.(*ast.Ident); !ok || x.Name != "msg" {
						return true
					}
					if id, ok = byName[a.Sel.Name]; !ok {
						return true // a method value or a field, not an id
					}
				default:
					return true // an id chosen at run time
				}
				checked++
				if !spec.params || call.Ellipsis.IsValid() {
					if !spec.params && len(params(catalogue[id].en)) > 0 {
						t.Errorf("%s: %s takes parameters this call cannot give", where, id)
					}
					return true
				}
				kv := call.Args[spec.at+1:]
				if len(kv)%2 != 0 {
					t.Errorf("%s: parameters must come as name/value pairs", where)
					return true
				}
				got := []string{}
				for i := 0; i < len(kv); i += 2 {
					lit, ok := kv[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Errorf("%s: parameter name %d is not a string literal", where, i/2)
						return true
					}
					s, _ := strconv.Unquote(lit.Value)
					got = append(got, s)
				}
				sort.Strings(got)
				if diff := cmp.Diff(params(catalogue[id].en), got); diff != "" {
					t.Errorf("%s: %s is given other parameters than it names (-names +given):\n%s", where, id, diff)
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if checked < 100 {
		t.Fatalf("checked only %d uses; are the sources found?", checked)
	}
}
