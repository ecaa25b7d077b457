package credentials

import (
	"html/template"
	"io"
	"strconv"

	"github.com/skillgrid/skillgrid/internal/msg"
)

// pageText is one language's side of a certificate's page.
type pageText struct {
	Lang                                           msg.Lang
	Title, Status, Holder, Course, Level, Hours    string
	IssuedOn, Code, NCS, Issuer, HowTo, HowToSteps string
	NCSUnits                                       []string
}

type pageData struct {
	Found  bool
	S      Summary
	Hours  string
	Texts  []pageText
	Absent string
}

// texts are a summary's words in l, every one from the catalogue.
func texts(s Summary, l msg.Lang) pageText {
	t := func(id msg.ID) string { return msg.Text(l, id) }
	p := pageText{
		Lang: l, Title: t(msg.CertPageTitle), Holder: t(msg.CertHolder), Course: t(msg.CertCourse),
		Level: t(msg.CertLevel), Hours: t(msg.CertHours), IssuedOn: t(msg.CertIssuedOn), Code: t(msg.CertCode),
		NCS: t(msg.CertNCS), Issuer: t(msg.CertIssuer), HowTo: t(msg.CertHowToCheck),
		HowToSteps: msg.Text(l, msg.CertHowToCheckSteps, "credential", s.Credential, "jwks", s.JWKS),
		Status:     msg.Text(l, msg.CertValid, "issuer", s.Issuer.Name),
	}
	if s.Revoked {
		p.Status = msg.Text(l, msg.CertRevoked, "date", s.RevokedOn)
	}
	for _, u := range s.NCSUnits {
		p.NCSUnits = append(p.NCSUnits, msg.Text(l, msg.CertNCSUnit, "name", u.Name, "code", u.Code, "level", u.Level))
	}
	return p
}

// The page carries its own style and nothing else: it works with no
// internet access and loads nothing from anywhere.
var page = template.Must(template.New("verify").Parse(`<!doctype html>
<html lang="{{(index .Texts 0).Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{range $i, $t := .Texts}}{{if $i}} · {{end}}{{$t.Title}}{{end}}</title>
<style>
body{font-family:system-ui,-apple-system,"Noto Sans KR","Apple SD Gothic Neo","Malgun Gothic",sans-serif;margin:0;background:#f4f6f8;color:#1b1f24}
main{max-width:44rem;margin:2rem auto;padding:0 1rem}
section{background:#fff;border-radius:.5rem;padding:1.25rem 1.5rem;margin-bottom:1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:1.35rem;margin:0 0 .75rem}
h2{font-size:1rem;margin:1.25rem 0 .5rem}
.status{font-weight:600;padding:.6rem .8rem;border-radius:.35rem}
.valid{background:#e6f4ea;color:#1e6b34}
.revoked{background:#fdecea;color:#a4231b}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:1rem 0 0}
dt{color:#57606a}
dd{margin:0}
code,.small{font-size:.85rem;word-break:break-all}
</style>
</head>
<body>
<main>
{{- if .Found}}
{{- range .Texts}}
<section lang="{{.Lang}}">
<h1>{{.Title}}</h1>
<p class="status {{if $.S.Revoked}}revoked{{else}}valid{{end}}">{{.Status}}</p>
<dl>
<dt>{{.Holder}}</dt><dd>{{$.S.TraineeName}}</dd>
<dt>{{.Course}}</dt><dd>{{$.S.CourseTitle}} ({{$.S.CourseCode}})</dd>
<dt>{{.Level}}</dt><dd>{{$.S.Level}}</dd>
<dt>{{.Hours}}</dt><dd>{{$.Hours}}</dd>
<dt>{{.IssuedOn}}</dt><dd>{{$.S.IssuedOn}}</dd>
<dt>{{.Code}}</dt><dd><code>{{$.S.Code}}</code></dd>
<dt>{{.Issuer}}</dt><dd>{{$.S.Issuer.Name}}{{if $.S.Issuer.Email}} · {{$.S.Issuer.Email}}{{end}}</dd>
{{- if .NCSUnits}}
<dt>{{.NCS}}</dt><dd>{{range $i, $u := .NCSUnits}}{{if $i}}<br>{{end}}{{$u}}{{end}}</dd>
{{- end}}
</dl>
<h2>{{.HowTo}}</h2>
<p class="small">{{.HowToSteps}}</p>
</section>
{{- end}}
{{- else}}
{{- range .Texts}}
<section lang="{{.Lang}}"><h1>{{.Title}}</h1><p class="status revoked">{{.Status}}</p></section>
{{- end}}
{{- end}}
</main>
</body>
</html>
`))

// Page writes a certificate's page in the languages given (one, or both
// when the reader named neither).
func Page(w io.Writer, s Summary, langs []msg.Lang) error {
	d := pageData{Found: true, S: s, Hours: strconv.FormatFloat(s.Hours, 'f', -1, 64)}
	for _, l := range langs {
		d.Texts = append(d.Texts, texts(s, l))
	}
	return page.Execute(w, d)
}

// NotFoundPage writes the page of a code no certificate has.
func NotFoundPage(w io.Writer, langs []msg.Lang) error {
	d := pageData{}
	for _, l := range langs {
		d.Texts = append(d.Texts, pageText{Lang: l, Title: msg.Text(l, msg.CertPageTitle), Status: msg.Text(l, msg.CertNotFound)})
	}
	return page.Execute(w, d)
}
