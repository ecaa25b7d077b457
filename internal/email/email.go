// Package email sends notifications by e-mail when SKILLGRID_SMTP_URL is
// set: a mail per event and recipient who wants that type by e-mail (made
// once, when the sequencer numbers the event), claimed with a lease like
// webhook deliveries, in the recipient's language (the subject RFC 2047
// encoded), as plain text and HTML, with a link to the thing concerned.
// The password-reset mail carries the single-use link, whose token waited
// sealed beside its event.
package email

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	gomail "github.com/wneessen/go-mail"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/notify"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/every"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/platform/seal"
)

// Mailer sends the e-mails of notifications.
type Mailer struct {
	DB        *bun.DB
	SMTP      *url.URL
	From      string
	PublicURL string
	ResetSeal seal.Key
	Now       func() time.Time
	Log       *slog.Logger
}

// Timings of mail.
const (
	lease     = 2 * time.Minute
	retryFor  = 24 * time.Hour
	firstWait = time.Minute
	maxWait   = time.Hour
	batch     = 16
)

// FanOut makes, in the sequencer's transaction, a mail for each recipient
// of each newly sequenced event who wants its type by e-mail.
func (m *Mailer) FanOut(ctx context.Context, tx bun.IDB, now time.Time, evs []events.Stored) error {
	var users []string
	for _, e := range evs {
		users = append(users, e.Recipients()...)
	}
	if len(users) == 0 {
		return nil
	}
	list, _ := json.Marshal(users)
	var prefs []struct {
		ID     string `bun:"id"`
		Wanted string `bun:"email_notifications_json"`
	}
	q := `SELECT id, email_notifications_json FROM users WHERE active AND id IN (SELECT value FROM json_each(?0))`
	if db.IsPostgres(tx) {
		q = `SELECT id, email_notifications_json FROM users WHERE active AND id IN (SELECT jsonb_array_elements_text(?0::jsonb))`
	}
	if err := db.Query(ctx, tx, &prefs, q, string(list)); err != nil {
		return fmt.Errorf("read e-mail choices: %w", err)
	}
	wanted := make(map[string]map[string]bool, len(prefs))
	for _, p := range prefs {
		wanted[p.ID] = account.EmailWanted(p.Wanted)
	}
	for _, e := range evs {
		for _, u := range e.Recipients() {
			if w, ok := wanted[u]; !ok || !w[string(e.Type)] {
				continue
			}
			if _, err := db.Exec(ctx, tx, `INSERT INTO mail_jobs (id, event_id, user_id, state, attempts, next_at, created_at)
VALUES (?0, ?1, ?2, 'pending', 0, ?3, ?3)`, ids.New(), e.ID, u, now); err != nil {
				return fmt.Errorf("make a mail: %w", err)
			}
		}
	}
	return nil
}

type job struct {
	ID        string    `bun:"id"`
	EventID   string    `bun:"event_id"`
	UserID    string    `bun:"user_id"`
	Attempts  int       `bun:"attempts"`
	CreatedAt time.Time `bun:"created_at"`
}

// Step claims due mails and sends each; it reports how many it claimed.
func (m *Mailer) Step(ctx context.Context) (int, error) {
	now := m.Now()
	skip := ""
	if db.IsPostgres(m.DB) {
		skip = " FOR UPDATE SKIP LOCKED"
	}
	var jobs []job
	err := db.Query(ctx, m.DB, &jobs, `UPDATE mail_jobs SET lease_until = ?1, attempts = attempts + 1
WHERE id IN (SELECT id FROM mail_jobs
             WHERE state = 'pending' AND next_at <= ?0 AND (lease_until IS NULL OR lease_until <= ?0)
             ORDER BY next_at LIMIT ?2`+skip+`)
RETURNING id, event_id, user_id, attempts, created_at`, now, now.Add(lease), batch)
	if err != nil {
		return 0, fmt.Errorf("claim mails: %w", err)
	}
	for _, j := range jobs {
		if err := m.send(ctx, j); err != nil {
			return 0, err
		}
	}
	return len(jobs), nil
}

// Drain runs Step until nothing is due.
func (m *Mailer) Drain(ctx context.Context) error {
	return every.Drain(ctx, m.Step)
}

// errSkip is a mail that is no longer to be sent (its token expired, its
// recipient is gone).
var errSkip = errors.New("nothing to send")

// send composes and sends one claimed mail and records how it went.
func (m *Mailer) send(ctx context.Context, j job) error {
	letter, err := m.compose(ctx, j)
	if err == nil {
		err = m.deliver(ctx, letter)
	}
	now := m.Now()
	switch {
	case err == nil:
		if _, err := db.Exec(ctx, m.DB, `UPDATE mail_jobs SET state = 'sent', lease_until = NULL WHERE id = ?0`, j.ID); err != nil {
			return err
		}
		_, err := db.Exec(ctx, m.DB, `DELETE FROM mail_secrets WHERE event_id = ?0`, j.EventID)
		return err
	case errors.Is(err, errSkip) || !now.Before(j.CreatedAt.Add(retryFor)):
		_, err2 := db.Exec(ctx, m.DB, `UPDATE mail_jobs SET state = 'failed', error = ?1, lease_until = NULL WHERE id = ?0`, j.ID, trim(err.Error()))
		return err2
	}
	m.Log.Warn("mail not sent; will retry", "mail", j.ID, "err", err.Error())
	wait := maxWait
	if j.Attempts < 10 {
		wait = min(firstWait<<(j.Attempts-1), maxWait)
	}
	_, err = db.Exec(ctx, m.DB, `UPDATE mail_jobs SET next_at = ?1, error = ?2, lease_until = NULL WHERE id = ?0`, j.ID, now.Add(wait), trim(err.Error()))
	return err
}

func trim(s string) string {
	if len(s) > 500 {
		return s[:500]
	}
	return s
}

// letter is a composed mail.
type letter struct {
	To, Name, Subject, Text, HTML string
}

var page = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family: sans-serif; line-height: 1.5">
<h1 style="font-size: 1.2em">{{.Title}}</h1>
<p>{{.Body}}</p>
{{if .Link}}<p><a href="{{.Link}}">{{.LinkText}}</a></p>{{end}}
<p style="color: #666; font-size: 0.9em">{{.Footer}}</p>
</body></html>
`))

// compose writes the mail of a job in its recipient's language.
func (m *Mailer) compose(ctx context.Context, j job) (letter, error) {
	var evs []events.Stored
	if err := db.Query(ctx, m.DB, &evs, `SELECT id, seq, type, subject, data_json, recipients_json, at, request_id FROM events WHERE id = ?0`, j.EventID); err != nil {
		return letter{}, err
	}
	var us []struct {
		Email  string `bun:"email"`
		Name   string `bun:"name"`
		Locale string `bun:"locale"`
		Active bool   `bun:"active"`
	}
	if err := db.Query(ctx, m.DB, &us, `SELECT email, name, locale, active FROM users WHERE id = ?0`, j.UserID); err != nil {
		return letter{}, err
	}
	if len(evs) != 1 || len(us) != 1 || !us[0].Active {
		return letter{}, errSkip
	}
	ev, u := evs[0], us[0]
	lang, _ := msg.ParseLang(u.Locale)
	title, body := notify.Render(lang, ev.Type, ev.DataJSON)
	link, linkText := m.PublicURL+ev.Subject, msg.Text(lang, msg.MailOpenLink, "link", m.PublicURL+ev.Subject)
	if ev.Type == events.PasswordResetRequested {
		token, err := m.resetToken(ctx, ev.ID)
		if err != nil {
			return letter{}, err
		}
		link = m.PublicURL + "/password-reset?token=" + url.QueryEscape(token)
		linkText = msg.Text(lang, msg.MailResetLink, "link", link)
	}
	footer := msg.Text(lang, msg.MailFooter)
	text := title + "\n\n" + body + "\n\n" + linkText + "\n\n-- \n" + footer + "\n"
	var html bytes.Buffer
	err := page.Execute(&html, map[string]string{"Lang": string(lang), "Title": title, "Body": body, "Link": link, "LinkText": linkText, "Footer": footer})
	if err != nil {
		return letter{}, err
	}
	return letter{To: u.Email, Name: u.Name, Subject: title, Text: text, HTML: html.String()}, nil
}

// resetToken opens the reset token sealed beside its event; an expired
// or already mailed one is not sent.
func (m *Mailer) resetToken(ctx context.Context, eventID string) (string, error) {
	var ss []struct {
		Sealed    string    `bun:"sealed"`
		ExpiresAt time.Time `bun:"expires_at"`
	}
	if err := db.Query(ctx, m.DB, &ss, `SELECT sealed, expires_at FROM mail_secrets WHERE event_id = ?0`, eventID); err != nil {
		return "", err
	}
	if len(ss) == 0 || !m.Now().Before(ss[0].ExpiresAt) {
		return "", errSkip
	}
	token, err := m.ResetSeal.Open(ss[0].Sealed)
	if err != nil {
		return "", fmt.Errorf("%w: the reset token cannot be opened (was the server secret changed?)", errSkip)
	}
	return token, nil
}

// deliver sends a composed mail over SMTP (STARTTLS when the server
// offers it; TLS from the start for smtps://).
func (m *Mailer) deliver(ctx context.Context, l letter) error {
	msgOut := gomail.NewMsg()
	if err := msgOut.From(m.From); err != nil {
		return fmt.Errorf("%w: from %v", errSkip, err)
	}
	if err := msgOut.AddToFormat(l.Name, l.To); err != nil {
		return fmt.Errorf("%w: to %v", errSkip, err)
	}
	msgOut.Subject(l.Subject)
	msgOut.SetDate()
	msgOut.SetMessageID()
	msgOut.SetBodyString(gomail.TypeTextPlain, l.Text)
	msgOut.AddAlternativeString(gomail.TypeTextHTML, l.HTML)
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	port := 587
	if p := m.SMTP.Port(); p != "" {
		port, _ = strconv.Atoi(p) // config checked it
	}
	opts = append(opts, gomail.WithPort(port))
	if m.SMTP.Scheme == "smtps" {
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if user := m.SMTP.User; user != nil {
		pass, _ := user.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(user.Username()), gomail.WithPassword(pass))
	}
	c, err := gomail.NewClient(m.SMTP.Hostname(), opts...)
	if err != nil {
		return err
	}
	if err := c.DialAndSendWithContext(ctx, msgOut); err != nil {
		return fmt.Errorf("send to %s: %s", strings.SplitN(l.To, "@", 2)[1], err.Error())
	}
	return nil
}
