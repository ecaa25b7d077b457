// Package msg is the one catalogue of the texts people read: problem titles
// and details, field messages and recommendation reasons, each under a
// stable id, in English and Korean.
//
// A text names its parameters in braces ("{course} is level {level}") and a
// Message passes them as name/value pairs, as log/slog does, so that each
// language may place them in its own word order. An instant is written in
// Korea time whatever the server's zone, a list joined with commas, an ID
// as its text in the same language.
package msg

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// Lang is a language the catalogue has texts in.
type Lang string

// The languages. English is the default.
const (
	English Lang = "en"
	Korean  Lang = "ko"
)

// ParseLang reads a stored or requested locale, "en" or "ko".
func ParseLang(s string) (Lang, bool) {
	switch Lang(s) {
	case English, Korean:
		return Lang(s), true
	}
	return English, false
}

// FromAcceptLanguage picks the language of an Accept-Language header: the
// one of the client's languages with the highest weight that the catalogue
// has (Korean for "ko-KR,ko;q=0.9,en;q=0.8", English for "en, ko;q=0.5"),
// and English for anything else, a malformed header included.
func FromAcceptLanguage(header string) Lang {
	tags, qs, err := language.ParseAcceptLanguage(header)
	if err != nil {
		return English
	}
	// ParseAcceptLanguage sorts by weight, keeping the client's order among
	// equal weights.
	for i, t := range tags {
		if qs[i] <= 0 {
			continue
		}
		base, conf := t.Base()
		if conf == language.No {
			continue
		}
		switch base.String() {
		case "ko":
			return Korean
		case "en":
			return English
		}
	}
	return English
}

// ID is the stable name of a text in the catalogue.
type ID string

// Message is a text of the catalogue with its parameters, ready to be
// written in any language.
type Message struct {
	ID   ID
	Args []any // name, value, name, value...
}

// New is a Message with its parameters as name/value pairs.
func New(id ID, args ...any) Message { return Message{ID: id, Args: args} }

// Text writes m in l.
func (m Message) Text(l Lang) string { return Text(l, m.ID, m.Args...) }

// String is m in English, for logs.
func (m Message) String() string { return m.Text(English) }

// Text writes the text id in l with its parameters given as name/value
// pairs. A parameter the text names but the caller did not give stays as
// "{name}"; an id missing from the catalogue is written as it is (the
// catalogue's tests keep both from happening).
func Text(l Lang, id ID, args ...any) string {
	e, ok := catalogue[id]
	if !ok {
		return string(id)
	}
	tmpl := e.en
	if l == Korean {
		tmpl = e.ko
	}
	if !strings.Contains(tmpl, "{") {
		return tmpl
	}
	var b strings.Builder
	rest := placeholders(tmpl, func(lit, name, whole string) {
		b.WriteString(lit)
		if v, ok := arg(args, name); ok {
			b.WriteString(format(l, v))
		} else {
			b.WriteString(whole)
		}
	})
	b.WriteString(rest)
	return b.String()
}

// placeholders walks the {name} placeholders of tmpl in order, calling
// each with the text before the placeholder, its name and the placeholder
// as written; it returns the text after the last one.
func placeholders(tmpl string, each func(lit, name, whole string)) (rest string) {
	for {
		open := strings.IndexByte(tmpl, '{')
		if open < 0 {
			return tmpl
		}
		end := strings.IndexByte(tmpl[open:], '}')
		if end < 0 {
			return tmpl
		}
		each(tmpl[:open], tmpl[open+1:open+end], tmpl[open:open+end+1])
		tmpl = tmpl[open+end+1:]
	}
}

func arg(args []any, name string) (any, bool) {
	for i := 0; i+1 < len(args); i += 2 {
		if k, _ := args[i].(string); k == name {
			return args[i+1], true
		}
	}
	return nil, false
}

// kst is Korea Standard Time: UTC+9 all year (Korea has no daylight saving
// time), so it needs no zoneinfo on the machine.
var kst = time.FixedZone("KST", 9*60*60)

// format writes one parameter value in l.
func format(l Lang, v any) string {
	switch x := v.(type) {
	case string:
		return x
	case ID:
		return Text(l, x)
	case Message:
		return x.Text(l)
	case time.Time:
		return x.In(kst).Format("2006-01-02 15:04 MST")
	case []string:
		return strings.Join(x, ", ")
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

// params lists the parameter names a template uses, sorted, once each.
func params(tmpl string) []string {
	seen := map[string]bool{}
	placeholders(tmpl, func(_, name, _ string) { seen[name] = true })
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// entry is one text in both languages.
type entry struct{ en, ko string }
