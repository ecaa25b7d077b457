package httpapi

import (
	"errors"
	"log/slog"
	"math"
	"net/http"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
)

// problem is an RFC 9457 problem document with SkillGrid's machine code.
type problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail"`
	Code   string       `json:"code"`
	Errors []fieldError `json:"errors,omitempty"`
}

// fieldError is one entry of a validation problem's errors.
type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
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

// titleOfStatus is the problem title of each status the API answers.
var titleOfStatus = map[int]msg.ID{
	http.StatusBadRequest:                  msg.TitleBadRequest,
	http.StatusUnauthorized:                msg.TitleUnauthorized,
	http.StatusForbidden:                   msg.TitleForbidden,
	http.StatusNotFound:                    msg.TitleNotFound,
	http.StatusMethodNotAllowed:            msg.TitleMethodNotAllowed,
	http.StatusNotAcceptable:               msg.TitleNotAcceptable,
	http.StatusRequestTimeout:              msg.TitleRequestTimeout,
	http.StatusConflict:                    msg.TitleConflict,
	http.StatusRequestEntityTooLarge:       msg.TitleTooLarge,
	http.StatusUnsupportedMediaType:        msg.TitleUnsupportedMedia,
	http.StatusUnprocessableEntity:         msg.TitleUnprocessable,
	http.StatusTooManyRequests:             msg.TitleTooManyRequests,
	http.StatusRequestHeaderFieldsTooLarge: msg.TitleHeadersTooLarge,
	http.StatusInternalServerError:         msg.TitleInternal,
	http.StatusServiceUnavailable:          msg.TitleServiceUnavailable,
}

// titleOf is the title of a status, "HTTP 418" for one not listed.
func titleOf(status int) msg.ID {
	if id, ok := titleOfStatus[status]; ok {
		return id
	}
	return msg.TitleOther
}

// detailOfStatus is the detail of an error Fiber raised itself, which
// carries only English text.
var detailOfStatus = map[int]msg.ID{
	http.StatusBadRequest:                  msg.BadRequest,
	http.StatusNotFound:                    msg.RouteNotFound,
	http.StatusMethodNotAllowed:            msg.MethodNotAllowed,
	http.StatusNotAcceptable:               msg.NotAcceptable,
	http.StatusRequestTimeout:              msg.RequestTimeout,
	http.StatusRequestEntityTooLarge:       msg.BodyTooLarge,
	http.StatusUnsupportedMediaType:        msg.UnsupportedMedia,
	http.StatusTooManyRequests:             msg.RateLimited,
	http.StatusRequestHeaderFieldsTooLarge: msg.HeadersTooLarge,
	http.StatusServiceUnavailable:          msg.Unavailable,
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

// lang is the language the client asked for in Accept-Language.
func lang(c *fiber.Ctx) msg.Lang { return msg.FromAcceptLanguage(c.Get(fiber.HeaderAcceptLanguage)) }

// errorHandler is the one place that turns an error into a response. It
// never shows an internal error's text to the client; it logs it with the
// request id instead. Titles, details and field messages are in the
// language of the request's Accept-Language; codes never change with it.
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		l := lang(c)
		p := problem{Status: http.StatusInternalServerError, Code: "internal"}
		detail := msg.New(msg.InternalError)
		var fe *fiber.Error
		if ae, ok := apperr.As(err); ok {
			p.Status = statusOfKind[ae.Kind]
			if p.Status == 0 {
				p.Status = http.StatusInternalServerError
			}
			p.Code, detail = ae.Code, ae.Message
			for _, f := range ae.Fields {
				p.Errors = append(p.Errors, fieldError{Field: f.Field, Message: f.Message.Text(l)})
			}
			if ae.RetryAfter > 0 {
				c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(math.Ceil(ae.RetryAfter.Seconds()))))
			}
			if ae.Kind == apperr.KindUnauthorized {
				c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="skillgrid"`)
			}
		} else if errors.As(err, &fe) && fe.Code < 500 {
			p.Status = fe.Code
			p.Code = codeOfStatus[fe.Code]
			if p.Code == "" {
				p.Code = "http_error"
			}
			detail = msg.New(detailOfStatus[fe.Code], "method", c.Method(), "path", c.Path())
			if detail.ID == "" {
				detail = msg.New(titleOf(fe.Code), "status", fe.Code)
			}
		}
		switch {
		case apperr.IsKind(err, apperr.KindUnavailable):
			// Shedding load on purpose (a full hashing queue): worth
			// watching, not an error of the server.
			log.WarnContext(c.UserContext(), "request shed",
				"err", err.Error(), "request_id", requestID(c), "method", c.Method(), "path", c.Path())
		case p.Status >= 500:
			log.ErrorContext(c.UserContext(), "request failed",
				"err", err.Error(), "request_id", requestID(c), "method", c.Method(), "path", c.Path())
		}
		p.Detail = detail.Text(l)
		p.Title = msg.Text(l, titleOf(p.Status), "status", p.Status)
		p.Type = "urn:skillgrid:problem:" + p.Code
		c.Status(p.Status)
		c.Set(fiber.HeaderContentType, "application/problem+json")
		c.Vary(fiber.HeaderAcceptLanguage)
		b, merr := c.App().Config().JSONEncoder(p)
		if merr != nil {
			return merr
		}
		return c.Send(b)
	}
}
