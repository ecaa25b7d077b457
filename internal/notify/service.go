package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/events"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/platform/page"
)

// Notification is one thing a user was told, in their language.
type Notification struct {
	ID        string     `json:"id"`
	Type      string     `json:"type"`
	Title     string     `json:"title"`
	Body      string     `json:"body"`
	Link      string     `json:"link"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at"`
}

// Service reads and marks the signed-in user's notifications.
type Service struct {
	DB  *bun.DB
	Now func() time.Time
}

type row struct {
	ID        string     `bun:"id"`
	CreatedAt time.Time  `bun:"created_at"`
	ReadAt    *time.Time `bun:"read_at"`
	Type      string     `bun:"type"`
	Subject   string     `bun:"subject"`
	DataJSON  string     `bun:"data_json"`
}

// List pages the user's notifications, newest first; only the unread ones
// when unread is true. Texts are in the user's locale.
func (s *Service) List(ctx context.Context, actor auth.Actor, unread bool, p page.Params) (page.Page[Notification], error) {
	after, err := page.Key(p.After, 1)
	if err != nil {
		return page.Page[Notification]{}, err
	}
	if after != nil && !ids.Valid(after[0]) {
		return page.Page[Notification]{}, apperr.BadRequest("invalid_cursor", msg.InvalidCursor)
	}
	lang, err := Locale(ctx, s.DB, actor.ID)
	if err != nil {
		return page.Page[Notification]{}, err
	}
	q := `SELECT n.id, n.created_at, n.read_at, e.type, e.subject, e.data_json
FROM notifications AS n JOIN events AS e ON e.id = n.event_id
WHERE n.user_id = ?0 AND (?1 = 0 OR n.read_at IS NULL) AND (?2 = '' OR n.id < ?2)
ORDER BY n.id DESC LIMIT ?3`
	onlyUnread, cursor := 0, ""
	if unread {
		onlyUnread = 1
	}
	if after != nil {
		cursor = after[0]
	}
	var rows []row
	if err := db.Query(ctx, s.DB, &rows, q, actor.ID, onlyUnread, cursor, p.Limit+1); err != nil {
		return page.Page[Notification]{}, fmt.Errorf("list notifications: %w", err)
	}
	out := make([]Notification, len(rows))
	for i, r := range rows {
		title, body := Render(lang, events.Type(r.Type), r.DataJSON)
		out[i] = Notification{ID: r.ID, Type: r.Type, Title: title, Body: body, Link: r.Subject, CreatedAt: r.CreatedAt.UTC(), ReadAt: utc(r.ReadAt)}
	}
	return page.Build(out, p.Limit, func(n Notification) []string { return []string{n.ID} }), nil
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// Read marks one of the user's notifications read (again: no change);
// another user's is 404.
func (s *Service) Read(ctx context.Context, actor auth.Actor, id string) error {
	if !ids.Valid(id) {
		return apperr.NotFound(msg.NotFoundNotification)
	}
	n, err := db.Exec(ctx, s.DB, `UPDATE notifications SET read_at = ?2 WHERE id = ?0 AND user_id = ?1 AND read_at IS NULL`, id, actor.ID, s.Now())
	if err != nil {
		return fmt.Errorf("read notification: %w", err)
	}
	if n == 1 {
		return nil
	}
	var found []string
	if err := db.Query(ctx, s.DB, &found, `SELECT id FROM notifications WHERE id = ?0 AND user_id = ?1`, id, actor.ID); err != nil {
		return fmt.Errorf("find notification: %w", err)
	}
	if len(found) == 0 {
		return apperr.NotFound(msg.NotFoundNotification)
	}
	return nil
}

// ReadAll marks every unread notification of the user read.
func (s *Service) ReadAll(ctx context.Context, actor auth.Actor) error {
	if _, err := db.Exec(ctx, s.DB, `UPDATE notifications SET read_at = ?1 WHERE user_id = ?0 AND read_at IS NULL`, actor.ID, s.Now()); err != nil {
		return fmt.Errorf("read all notifications: %w", err)
	}
	return nil
}

// Locale is the language the user chose for what is sent to them.
func Locale(ctx context.Context, idb bun.IDB, userID string) (msg.Lang, error) {
	var ls []string
	if err := db.Query(ctx, idb, &ls, `SELECT locale FROM users WHERE id = ?0`, userID); err != nil {
		return msg.English, fmt.Errorf("locale of %s: %w", userID, err)
	}
	if len(ls) == 0 {
		return msg.English, nil
	}
	l, _ := msg.ParseLang(ls[0])
	return l, nil
}
