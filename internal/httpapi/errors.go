package httpapi

import (
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/apperr"
)

// problem is an RFC 9457 problem document with SkillGrid's machine code.
type problem struct {
	Type   string              `json:"type"`
	Title  string              `json:"title"`
	Status int                 `json:"status"`
	Detail string              `json:"detail"`
	Code   string              `json:"code"`
	Errors []apperr.FieldError `json:"errors,omitempty"`
}

var statusOfKind = map[apperr.Kind]int{
	apperr.KindInvalid:      http.StatusUnprocessableEntity,
	apperr.KindRule:         http.StatusUnprocessableEntity,
	apperr.KindBadRequest:   http.StatusBadRequest,
	apperr.KindUnauthorized: http.StatusUnauthorized,
	apperr.KindForbidden:    http.StatusForbidden,
	apperr.KindNotFound:     http.StatusNotFound,
	apperr.KindConflict:     http.StatusConflict,
	apperr.KindTooLarge:     http.StatusRequestEntityTooLarge,
	apperr.KindRateLimited:  http.StatusTooManyRequests,
	apperr.KindUnavailable:  http.StatusServiceUnavailable,
}

var codeOfStatus = map[int]string{
	http.StatusBadRequest:                  "bad_request",
	http.StatusNotFound:                    "not_found",
	http.StatusMethodNotAllowed:            "method_not_allowed",
	http.StatusRequestEntityTooLarge:       "body_too_large",
	http.StatusRequestTimeout:              "request_timeout",
	http.StatusUnsupportedMediaType:        "unsupported_media_type",
	http.StatusNotAcceptable:               "not_acceptable",
	http.StatusTooManyRequests:             "rate_limited",
	http.StatusRequestHeaderFieldsTooLarge: "headers_too_large",
	http.StatusServiceUnavailable:          "unavailable",
}

// errorHandler is the one place that turns an error into a response. It
// never shows an internal error's text to the client; it logs it with the
// request id instead.
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		p := problem{Status: http.StatusInternalServerError, Code: "internal", Detail: "an unexpected error occurred; it has been logged"}
		var fe *fiber.Error
		if ae, ok := apperr.As(err); ok {
			p.Status = statusOfKind[ae.Kind]
			if p.Status == 0 {
				p.Status = http.StatusInternalServerError
			}
			p.Code, p.Detail, p.Errors = ae.Code, ae.Detail, ae.Fields
			if ae.RetryAfter > 0 {
				c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(ae.RetryAfter.Seconds()))))
			}
			if ae.Kind == apperr.KindUnauthorized {
				c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="skillgrid"`)
			}
		} else if errors.As(err, &fe) && fe.Code < 500 {
			p.Status, p.Detail = fe.Code, fe.Message
			p.Code = codeOfStatus[fe.Code]
			if p.Code == "" {
				p.Code = "http_error"
			}
			if fe.Code == http.StatusRequestEntityTooLarge {
				p.Detail = "the request body is larger than 1 MiB"
			}
		}
		if p.Status >= 500 {
			log.ErrorContext(c.UserContext(), "request failed",
				"err", err.Error(), "request_id", requestID(c), "method", c.Method(), "path", c.Path())
		}
		p.Title = http.StatusText(p.Status)
		p.Type = "urn:skillgrid:problem:" + p.Code
		c.Status(p.Status)
		c.Set(fiber.HeaderContentType, "application/problem+json")
		b, merr := c.App().Config().JSONEncoder(p)
		if merr != nil {
			return merr
		}
		return c.Send(b)
	}
}
