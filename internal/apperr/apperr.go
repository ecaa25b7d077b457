// Package apperr defines the kinds of errors the services return. The HTTP
// layer maps each kind to one status code in one place; nothing else decides
// what a client sees.
package apperr

import (
	"errors"
	"fmt"
	"time"
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

// FieldError is one bad field of a request, named by its JSON name.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is an error with a kind, a machine-readable code and a detail that is
// safe to show to the client.
type Error struct {
	Kind       Kind
	Code       string
	Detail     string
	Fields     []FieldError
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	s := e.Code
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	for i, f := range e.Fields {
		sep := "; "
		if i == 0 {
			sep = ": "
		}
		s += sep + f.Field + ": " + f.Message
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

// NotFound says the named thing does not exist or the caller may not see it.
func NotFound(what string) *Error {
	return &Error{Kind: KindNotFound, Code: "not_found", Detail: what + " not found"}
}

// Invalid is a validation failure with one entry per bad field.
func Invalid(fields ...FieldError) *Error {
	return &Error{Kind: KindInvalid, Code: "validation_failed", Detail: "the request has invalid fields", Fields: fields}
}

// Field is shorthand for a FieldError.
func Field(name, msg string) FieldError { return FieldError{Field: name, Message: msg} }

// Rule is a well-formed request that breaks a business rule (422).
func Rule(code, format string, args ...any) *Error {
	return &Error{Kind: KindRule, Code: code, Detail: fmt.Sprintf(format, args...)}
}

// Conflict is a request that conflicts with the current state (409).
func Conflict(code, format string, args ...any) *Error {
	return &Error{Kind: KindConflict, Code: code, Detail: fmt.Sprintf(format, args...)}
}

// BadRequest is malformed input (400).
func BadRequest(code, format string, args ...any) *Error {
	return &Error{Kind: KindBadRequest, Code: code, Detail: fmt.Sprintf(format, args...)}
}

// Unauthorized is a missing or bad credential (401).
func Unauthorized(detail string) *Error {
	return &Error{Kind: KindUnauthorized, Code: "unauthorized", Detail: detail}
}

// Forbidden is a role that may never do this (403).
func Forbidden(code, detail string) *Error {
	return &Error{Kind: KindForbidden, Code: code, Detail: detail}
}

// RateLimited asks the client to come back after retryAfter (429).
func RateLimited(detail string, retryAfter time.Duration) *Error {
	return &Error{Kind: KindRateLimited, Code: "rate_limited", Detail: detail, RetryAfter: retryAfter}
}

// Unavailable is a dependency that is down (503).
func Unavailable(detail string) *Error {
	return &Error{Kind: KindUnavailable, Code: "unavailable", Detail: detail}
}
