package msg

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"testing"
	"time"
	"unicode"

	"github.com/google/go-cmp/cmp"
)

// declaredIDs reads the ID constants declared in the package's source.
func declaredIDs(t *testing.T) map[ID]string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "catalogue.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[ID]string{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "ID" {
				t.Fatalf("constant %s in catalogue.go is not an ID", vs.Names[0])
			}
			for i, n := range vs.Names {
				lit := vs.Values[i].(*ast.BasicLit)
				v, _ := strconv.Unquote(lit.Value)
				if prev, dup := out[ID(v)]; dup {
					t.Errorf("%s and %s share the id %q", prev, n.Name, v)
				}
				out[ID(v)] = n.Name
			}
		}
	}
	return out
}

func TestEveryIDHasBothLanguagesWithTheSameParameters(t *testing.T) {
	declared := declaredIDs(t)
	if len(declared) < 100 {
		t.Fatalf("found only %d ids; is catalogue.go parsed?", len(declared))
	}
	for id, name := range declared {
		e, ok := catalogue[id]
		if !ok {
			t.Errorf("%s (%q) has no texts", name, id)
			continue
		}
		if e.en == "" || e.ko == "" {
			t.Errorf("%s: English %q, Korean %q: both are needed", name, e.en, e.ko)
		}
		if diff := cmp.Diff(params(e.en), params(e.ko)); diff != "" {
			t.Errorf("%s: the Korean text takes other parameters than the English (-en +ko):\n%s", name, diff)
		}
		if id != TitleOther && !slices.ContainsFunc([]rune(e.ko), func(r rune) bool { return unicode.Is(unicode.Hangul, r) }) {
			t.Errorf("%s: the Korean text %q has no Hangul; is it translated?", name, e.ko)
		}
	}
	for id := range catalogue {
		if _, ok := declared[id]; !ok {
			t.Errorf("catalogue entry %q has no constant", id)
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	for header, want := range map[string]Lang{
		"":                         English,
		"ko":                       Korean,
		"ko-KR":                    Korean,
		"ko-KR,ko;q=0.9,en;q=0.8":  Korean,
		"en, ko;q=0.5":             English,
		"en-US,en;q=0.9":           English,
		"fr-FR, ko;q=0.4":          Korean, // the best language we have
		"fr, de":                   English,
		"ko;q=0, en":               English, // q=0 means "not this one"
		"*":                        English,
		"ja, ko;q=0.3, en;q=0.2":   Korean,
		"en;q=0.5, ko;q=0.6":       Korean,
		";;;garbage=":              English,
		"ko-KR;q=abc":              English,
		"KO":                       Korean,
		"zh-Hant-TW, en-GB;q=0.7":  English,
		"x-klingon, ko-Kore;q=0.9": Korean,
	} {
		if got := FromAcceptLanguage(header); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %s, want %s", header, got, want)
		}
	}
}

func TestTextFillsParametersInEachLanguage(t *testing.T) {
	m := New(LevelTooLow, "course", "BMS-301", "level", 3, "needs", 2, "track", "bms", "have", 0)
	if got, want := m.Text(English), "BMS-301 is level 3: it needs level 2 in bms; you have 0"; got != want {
		t.Errorf("English %q, want %q", got, want)
	}
	if got, want := m.Text(Korean), "BMS-301 과정은 레벨 3 과정이라 bms 분야 레벨 2 이상이 필요합니다. 현재 레벨은 0입니다."; got != want {
		t.Errorf("Korean %q, want %q", got, want)
	}
	// A value is never read as a template, and nested ids follow the language.
	if got, want := Text(Korean, BodyWrongType, "field", "{x}", "type", JSONString, "value", "number"), `"{x}" 항목은 문자열 값이어야 합니다(받은 값: number).`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := Text(English, PrerequisiteMissing, "courses", []string{"A-1", "B-2"}), "complete A-1, B-2 first"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTimesAreInKoreaTimeWhateverTheServerZone(t *testing.T) {
	at := time.Date(2026, 12, 15, 13, 0, 0, 0, time.UTC)
	la := time.FixedZone("PST", -8*3600)
	for _, v := range []time.Time{at, at.In(la)} {
		if got, want := Text(English, EnrolmentClosedAt, "at", v), "enrolment closed at 2026-12-15 22:00 KST"; got != want {
			t.Errorf("English %q, want %q", got, want)
		}
		if got, want := Text(Korean, EnrolmentClosedAt, "at", v), "수강 신청은 2026-12-15 22:00 KST에 마감되었습니다."; got != want {
			t.Errorf("Korean %q, want %q", got, want)
		}
	}
}
