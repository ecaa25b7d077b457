package httpapi_test

import (
	"context"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/skillgrid/skillgrid/internal/account"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/config"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// mailbox is an SMTP server on loopback that keeps what it receives.
type mailbox struct {
	addr string
	mu   sync.Mutex
	got  []letter
}

type letter struct {
	To      []string
	Subject string // decoded
	RawSubj string // as sent
	Text    string
	HTML    string
}

type smtpBackend struct{ box *mailbox }

func (b smtpBackend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &smtpSession{box: b.box}, nil
}

type smtpSession struct {
	box *mailbox
	to  []string
}

func (s *smtpSession) Reset()                                    { s.to = nil }
func (s *smtpSession) Logout() error                             { return nil }
func (s *smtpSession) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = append(s.to, to); return nil }
func (s *smtpSession) Data(r io.Reader) error {
	m, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	l := letter{To: s.to, RawSubj: m.Header.Get("Subject")}
	if l.Subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); err != nil {
		return err
	}
	_, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	parts := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := parts.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		var body io.Reader = p
		if p.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
			body = quotedprintable.NewReader(p)
		}
		b, err := io.ReadAll(body)
		if err != nil {
			return err
		}
		switch ct := p.Header.Get("Content-Type"); {
		case strings.HasPrefix(ct, "text/plain"):
			l.Text = string(b)
		case strings.HasPrefix(ct, "text/html"):
			l.HTML = string(b)
		}
	}
	s.box.mu.Lock()
	s.box.got = append(s.box.got, l)
	s.box.mu.Unlock()
	return nil
}

func newMailbox(t *testing.T) *mailbox {
	box := &mailbox{}
	srv := smtp.NewServer(smtpBackend{box: box})
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	box.addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return box
}

func (b *mailbox) to(addr string) []letter {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []letter
	for _, l := range b.got {
		for _, t := range l.To {
			if t == addr {
				out = append(out, l)
			}
		}
	}
	return out
}

// sendMail sequences what committed and sends every mail due.
func sendMail(t *testing.T, e *testutil.Env) {
	t.Helper()
	if err := e.App.Sequencer.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := e.App.Mailer.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// A waitlisted trainee promoted by a withdrawal finds the news in their
// mailbox, in Korean (the subject RFC 2047 encoded), as text and HTML with
// a link; a type they opted out of is not mailed; the password-reset mail
// carries a working single-use link, whatever the choices.
func TestNotificationsGoByEmail(t *testing.T) {
	t.Parallel()
	box := newMailbox(t)
	smtpURL, err := url.Parse("smtp://" + box.addr)
	if err != nil {
		t.Fatal(err)
	}
	withMail := func(c *config.Config) {
		c.SMTPURL, c.MailFrom, c.PublicURL = smtpURL, "SkillGrid <no-reply@skillgrid.test>", "https://skillgrid.test"
	}
	forEachDBWith(t, withMail, func(t *testing.T, e *testutil.Env) {
		c := e.OpenCohort(testutil.CohortSpec{Capacity: 1})
		first, waiting := e.NewUser(auth.Trainee), e.NewUser(auth.Trainee)
		ko := "ko"
		e.UpdateTrainee(waiting.ID, account.ProfilePatch{Locale: &ko})
		var me struct {
			EmailNotifications map[string]bool `json:"email_notifications"`
		}
		e.Patch("/v1/me", waiting.Token, map[string]any{"email_notifications": map[string]bool{"enrolment.created": false, "password.reset_requested": false}}).
			Want(t, http.StatusOK).JSON(t, &me)
		if me.EmailNotifications["enrolment.created"] || !me.EmailNotifications["enrolment.promoted"] || !me.EmailNotifications["password.reset_requested"] {
			t.Fatalf("choices %v", me.EmailNotifications)
		}
		e.Patch("/v1/me", waiting.Token, map[string]any{"email_notifications": map[string]bool{"enrolment.eaten": false}}).
			WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")

		seat := enrol(t, e, c.ID, first, http.StatusCreated)
		queued := enrol(t, e, c.ID, waiting, http.StatusCreated)
		e.Post("/v1/enrolments/"+seat.ID+"/withdraw", first.Token, nil).Want(t, http.StatusOK)
		sendMail(t, e)

		if got := box.to(first.Email); len(got) != 2 || !strings.HasPrefix(got[0].Subject+got[1].Subject, "Enrolled: ") && !strings.HasPrefix(got[1].Subject+got[0].Subject, "Enrolled: ") ||
			!strings.Contains(got[0].Subject+got[1].Subject, "Withdrawn: ") {
			t.Fatalf("the first trainee's mail: %+v", got)
		}
		got := box.to(waiting.Email)
		if len(got) != 1 {
			t.Fatalf("the waiting trainee got %d mails; want only the promotion", len(got))
		}
		l := got[0]
		link := "https://skillgrid.test/v1/enrolments/" + queued.ID
		if !strings.HasPrefix(strings.ToUpper(l.RawSubj), "=?UTF-8?") {
			t.Fatalf("the Korean subject is not RFC 2047 encoded: %q", l.RawSubj)
		}
		if !strings.HasPrefix(l.Subject, "자리가 났습니다: ") || !strings.Contains(l.Text, "수강이 확정되었습니다") || !strings.Contains(l.Text, link) ||
			!strings.Contains(l.HTML, `href="`+link+`"`) || !strings.Contains(l.HTML, "수강이 확정되었습니다") {
			t.Fatalf("the promotion mail: %+v", l)
		}
		// Sent once: sending again sends nothing.
		sendMail(t, e)
		if n := len(box.to(waiting.Email)); n != 1 {
			t.Fatalf("%d mails after a second round", n)
		}

		// The password reset, though opted out of, goes, with its link.
		e.Post("/v1/auth/password-reset", "", map[string]any{"email": waiting.Email}).Want(t, http.StatusAccepted)
		sendMail(t, e)
		got = box.to(waiting.Email)
		if len(got) != 2 || got[1].Subject != "비밀번호 재설정 요청" {
			t.Fatalf("reset mail: %+v", got)
		}
		i := strings.Index(got[1].Text, "https://skillgrid.test/password-reset?token=")
		if i < 0 {
			t.Fatalf("no reset link in %q", got[1].Text)
		}
		u, err := url.Parse(strings.Fields(got[1].Text[i:])[0])
		if err != nil {
			t.Fatal(err)
		}
		token := u.Query().Get("token")
		body := map[string]any{"token": token, "new_password": "a-new-password-2027"}
		e.Post("/v1/auth/password-reset/confirm", "", body).Want(t, http.StatusNoContent)
		e.Post("/v1/auth/password-reset/confirm", "", body).WantProblem(t, http.StatusBadRequest, "reset_token_invalid")
		if n := countRows(t, e, "mail_secrets", "1 = 1"); n != 0 {
			t.Fatalf("%d reset tokens still kept after their mail", n)
		}
	})
}
