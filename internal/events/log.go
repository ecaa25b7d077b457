package events

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
)

// Logged is an event as the event log shows it.
type Logged struct {
	ID        string          `json:"id"`
	Seq       int64           `json:"seq"`
	Type      Type            `json:"type"`
	Subject   string          `json:"subject"`
	Data      json.RawMessage `json:"data"`
	At        time.Time       `json:"at"`
	RequestID *string         `json:"request_id"`
}

// LogPage is one page of the event log. NextCursor is the position after
// its last event, to poll from; null when the page is empty (keep the
// cursor you had).
type LogPage struct {
	Items      []Logged `json:"items"`
	NextCursor *string  `json:"next_cursor"`
}

// Log reads the event log in commit order.
type Log struct {
	DB *bun.DB
}

// After lists up to limit events sequenced after the cursor after ("" for
// the beginning), of type t when t is not "".
func (l Log) After(ctx context.Context, after string, t Type, limit int) (LogPage, error) {
	var from int64
	if after != "" {
		n, err := strconv.ParseInt(after, 10, 64)
		if err != nil || n < 0 {
			return LogPage{}, apperr.BadRequest("invalid_cursor", msg.InvalidCursor)
		}
		from = n
	}
	if t != "" && !Known(t) {
		return LogPage{}, apperr.Invalid(apperr.Field("type", msg.UnknownEventType, "type", string(t)))
	}
	var rows []Stored
	err := db.Query(ctx, l.DB, &rows, `SELECT id, seq, type, subject, data_json, recipients_json, at, request_id
FROM events WHERE seq > ?0 AND (?1 = '' OR type = ?1) ORDER BY seq LIMIT ?2`, from, string(t), limit)
	if err != nil {
		return LogPage{}, fmt.Errorf("read the event log: %w", err)
	}
	out := LogPage{Items: make([]Logged, len(rows))}
	for i, r := range rows {
		out.Items[i] = r.Logged()
	}
	if len(rows) > 0 {
		c := strconv.FormatInt(*rows[len(rows)-1].Seq, 10)
		out.NextCursor = &c
	}
	return out, nil
}

// Logged is the stored event as the log and webhooks show it.
func (s Stored) Logged() Logged {
	var seq int64
	if s.Seq != nil {
		seq = *s.Seq
	}
	return Logged{ID: s.ID, Seq: seq, Type: s.Type, Subject: s.Subject, Data: json.RawMessage(s.DataJSON), At: s.At.UTC(), RequestID: s.RequestID}
}
