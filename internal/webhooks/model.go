// Package webhooks delivers events to the operators' subscribers: admin
// subscriptions, a delivery job per subscribed event (made once, when the
// sequencer numbers the event), a dispatcher that every serve process runs
// and that claims due jobs with a lease, CloudEvents 1.0 JSON signed as
// the Standard Webhooks specification says, retries with exponential
// backoff for 24 hours, a delivery log, and the switch-off of a
// subscription that failed for 24 hours.
package webhooks

import (
	"time"
)

// Webhook is a subscription. Secret is shown only when it is made.
type Webhook struct {
	ID           string     `json:"id"`
	URL          string     `json:"url"`
	Description  string     `json:"description"`
	Events       []string   `json:"events"`
	Active       bool       `json:"active"`
	FailingSince *time.Time `json:"failing_since"`
	DisabledAt   *time.Time `json:"disabled_at"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	Secret       string     `json:"secret,omitempty"`
}

// row is a subscription as stored.
type row struct {
	ID           string     `bun:"id"`
	URL          string     `bun:"url"`
	Description  string     `bun:"description"`
	EventsJSON   string     `bun:"events_json"`
	Secret       string     `bun:"secret"`
	Active       bool       `bun:"active"`
	FailingSince *time.Time `bun:"failing_since"`
	DisabledAt   *time.Time `bun:"disabled_at"`
	CreatedAt    time.Time  `bun:"created_at"`
	UpdatedAt    time.Time  `bun:"updated_at"`
}

// NewWebhook is what an admin subscribes.
type NewWebhook struct {
	URL         string
	Events      []string
	Description string
}

// Patch changes a subscription; nil fields stay.
type Patch struct {
	Events      *[]string
	Active      *bool
	Description *string
}

// Delivery is one attempt to deliver an event, as the log shows it.
type Delivery struct {
	ID         string    `bun:"id" json:"id"`
	EventID    string    `bun:"event_id" json:"event_id"`
	EventType  string    `bun:"event_type" json:"event_type"`
	Attempt    int       `bun:"attempt" json:"attempt"`
	StatusCode *int      `bun:"status_code" json:"status_code"`
	Error      *string   `bun:"error" json:"error"`
	DurationMS int64     `bun:"duration_ms" json:"duration_ms"`
	At         time.Time `bun:"at" json:"at"`
}

// Timings of delivery.
const (
	// Timeout bounds one attempt: no 2xx within it is a failure.
	Timeout = 10 * time.Second
	// RetryFor is how long a delivery is retried, and how long a
	// subscription may fail before it is switched off.
	RetryFor = 24 * time.Hour
	// Lease is how long a claimed delivery is its process's: a process
	// that dies mid-delivery loses it to another after this.
	Lease = 60 * time.Second
	// firstRetry and maxRetry bound the exponential backoff.
	firstRetry = 30 * time.Second
	maxRetry   = 4 * time.Hour
)

// NextAttempt is when a delivery made at created that failed its
// attempt-th time (from 1) is tried again: 30 s, 1 min, 2 min... doubling
// up to 4 h between attempts, the last at created + 24 h; ok is false once
// that last attempt failed.
func NextAttempt(created, now time.Time, attempt int) (next time.Time, ok bool) {
	end := created.Add(RetryFor)
	if !now.Before(end) {
		return time.Time{}, false
	}
	wait := maxRetry
	if attempt < 20 {
		wait = min(firstRetry<<(attempt-1), maxRetry)
	}
	next = now.Add(wait)
	if next.After(end) {
		next = end
	}
	return next, true
}

// SwitchOff reports whether a subscription failing since since is to be
// switched off at now.
func SwitchOff(since *time.Time, now time.Time) bool {
	return since != nil && !now.Before(since.Add(RetryFor))
}
