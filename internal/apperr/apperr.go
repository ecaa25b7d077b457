// Package apperr defines the kinds of errors the services return. The HTTP
// layer maps each kind to one status code in one place; nothing else decides
// what a client sees.
package apperr

import (
	"errors"
	"time"

	"github.com/skillgrid/skillgrid/internal/msg"
)

// Kind classifies an error for the client.
type Kind int

// The kinds, each answered with one HTTP status.
const (
	KindInvalid      Kind = iota + 1 // 422 validation_failed with field errors
	KindRule                         // 422 a business rule with its own code
	KindBadRequest                   // 400 malformed input
	KindUnauthorized                 // 401
	KindForbidden                    // 403
	KindNotFound                     // 404
	KindConflict                     // 409
	KindTooLarge                     // 413
	KindRateLimited                  // 429
	KindUnavailable                  // 503
)

// FieldError is one bad field of a request, named by its JSON name, with
// what is wrong with it as a text of the message catalogue.
type FieldError struct {
	Field   string
	Message msg.Message
}

// Error is an error with a kind, a machine-readable code and a detail that is
// safe to show to the client, as a text of the message catalogue so that the
// client reads it in its language. The code never changes with the language.
type Error struct {
	Kind       Kind
	Code       string
	Message    msg.Message
	Fields     []FieldError
	RetryAfter time.Duration
}

// Detail is the detail in English, as logs show it.
func (e *Error) Detail() string { return e.Message.Text(msg.English) }

func (e *Error) Error() string {
	s := e.Code
	if d := e.Detail(); d != "" {
		s += ": " + d
	}
	for i, f := range e.Fields {
		sep := "; "
		if i == 0 {
			sep = ": "
		}
		s += sep + f.Field + ": " + f.Message.Text(msg.English)
	}
	return s
}

// As returns the *Error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Is reports whether err carries the given code.
func Is(err error, code string) bool {
	e, ok := As(err)
	return ok && e.Code == code
}

// IsKind reports whether err is of the given kind.
func IsKind(err error, k Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == k
}

// The constructors take the detail as an id of the message catalogue and
// its parameters as name/value pairs (see msg.New).

// NotFound says the thing does not exist or the caller may not see it; id
// says which (msg.NotFoundCohort...).
func NotFound(id msg.ID) *Error {
	return &Error{Kind: KindNotFound, Code: "not_found", Message: msg.New(id)}
}

// Invalid is a validation failure with one entry per bad field.
func Invalid(fields ...FieldError) *Error {
	return &Error{Kind: KindInvalid, Code: "validation_failed", Message: msg.New(msg.InvalidFields), Fields: fields}
}

// Field is one bad field and what is wrong with it.
func Field(name string, id msg.ID, args ...any) FieldError {
	return FieldError{Field: name, Message: msg.New(id, args...)}
}

// Rule is a well-formed request that breaks a business rule (422).
func Rule(code string, id msg.ID, args ...any) *Error {
	return &Error{Kind: KindRule, Code: code, Message: msg.New(id, args...)}
}

// Conflict is a request that conflicts with the current state (409).
func Conflict(code string, id msg.ID, args ...any) *Error {
	return &Error{Kind: KindConflict, Code: code, Message: msg.New(id, args...)}
}

// BadRequest is malformed input (400).
func BadRequest(code string, id msg.ID, args ...any) *Error {
	return &Error{Kind: KindBadRequest, Code: code, Message: msg.New(id, args...)}
}

// Unauthorized is a missing or bad credential (401).
func Unauthorized(id msg.ID) *Error {
	return &Error{Kind: KindUnauthorized, Code: "unauthorized", Message: msg.New(id)}
}

// Forbidden is a role that may never do this (403).
func Forbidden(code string, id msg.ID, args ...any) *Error {
	return &Error{Kind: KindForbidden, Code: code, Message: msg.New(id, args...)}
}

// RateLimited asks the client to come back after retryAfter (429).
func RateLimited(id msg.ID, retryAfter time.Duration) *Error {
	return &Error{Kind: KindRateLimited, Code: "rate_limited", Message: msg.New(id), RetryAfter: retryAfter}
}

// Unavailable is a dependency that is down (503).
func Unavailable(id msg.ID) *Error {
	return &Error{Kind: KindUnavailable, Code: "unavailable", Message: msg.New(id)}
}
