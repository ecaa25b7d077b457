package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/go-playground/validator/v10"
	"github.com/go-playground/validator/v10/non-standard/validators"
	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/dates"
)

// newValidator returns the one validator, reporting fields by JSON name.
func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	// notblank is one of the library's non-standard validators.
	_ = v.RegisterValidation("notblank", validators.NotBlank)
	// date and instant: a YYYY-MM-DD date and an RFC 3339 timestamp that
	// both databases can store (years 1 to 9999).
	_ = v.RegisterValidation("date", func(fl validator.FieldLevel) bool {
		_, ok := dates.Day(fl.Field().String())
		return ok
	})
	_ = v.RegisterValidation("password", func(fl validator.FieldLevel) bool {
		_, bad := auth.PasswordCheck(fl.Field().String())
		return !bad
	})
	_ = v.RegisterValidation("instant", func(fl validator.FieldLevel) bool {
		_, ok := dates.Instant(fl.Field().String())
		return ok
	})
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		if name == "" {
			return f.Name
		}
		return name
	})
	return v
}

// bind decodes the JSON body into v strictly (unknown fields, wrong types
// and trailing data are 400) and then validates it (422, one entry per bad
// field).
func (h *Handlers) bind(c *fiber.Ctx, v any) error {
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return apperr.BadRequest("malformed_json", msg.BodyRequired)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return apperr.BadRequest("malformed_json", msg.BodyOneValue)
	}
	if bytes.Contains(body, []byte("null")) {
		if bad := nullFields(body); len(bad) > 0 {
			return apperr.Invalid(bad...)
		}
	}
	return h.validate(v)
}

// nullFields names every member of the body set to null. No request field
// is nullable: decoding would read null as "left out", so a client sending
// {"location": null} to clear a value would get 200 and no change.
func nullFields(body []byte) []apperr.FieldError {
	var doc any
	if json.Unmarshal(body, &doc) != nil {
		return nil
	}
	var bad []apperr.FieldError
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				p := k
				if path != "" {
					p = path + "." + k
				}
				if x[k] == nil {
					bad = append(bad, apperr.Field(p, msg.FieldNotNullKeep))
					continue
				}
				walk(p, x[k])
			}
		case []any:
			for i, e := range x {
				p := fmt.Sprintf("%s[%d]", path, i)
				if e == nil {
					bad = append(bad, apperr.Field(p, msg.FieldNotNull))
					continue
				}
				walk(p, e)
			}
		}
	}
	walk("", doc)
	return bad
}

// validate runs the struct tags of v.
func (h *Handlers) validate(v any) error {
	err := h.validator.Struct(v)
	if err == nil {
		return nil
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return fmt.Errorf("validate: %w", err)
	}
	fields := make([]apperr.FieldError, 0, len(ves))
	for _, fe := range ves {
		fields = append(fields, apperr.FieldError{Field: fieldPath(fe), Message: message(fe)})
	}
	return apperr.Invalid(fields...)
}

func decodeError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return apperr.BadRequest("malformed_json", msg.BodyMalformedAt, "offset", se.Offset, "error", se.Error())
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return apperr.BadRequest("malformed_json", msg.BodyNotObject)
		}
		return apperr.BadRequest("wrong_type", msg.BodyWrongType, "field", field, "type", jsonType(te.Type), "value", te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return apperr.BadRequest("malformed_json", msg.BodyEndsEarly)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		return apperr.BadRequest("unknown_field", msg.BodyUnknownField, "field", field)
	}
	return apperr.BadRequest("malformed_json", msg.BodyNotJSON)
}

func jsonType(t reflect.Type) any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return msg.JSONString
	case reflect.Bool:
		return msg.JSONBoolean
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return msg.JSONInteger
	case reflect.Float32, reflect.Float64:
		return msg.JSONNumber
	case reflect.Slice, reflect.Array:
		return msg.JSONArray
	case reflect.Map, reflect.Struct:
		return msg.JSONObject
	}
	return t.String()
}

// fieldPath is the JSON path of a bad field without the root struct's name,
// e.g. "results[2].score".
func fieldPath(fe validator.FieldError) string {
	ns := fe.Namespace()
	if _, rest, ok := strings.Cut(ns, "."); ok {
		return rest
	}
	return fe.Field()
}

func message(fe validator.FieldError) msg.Message {
	p := fe.Param()
	isStr := fe.Kind() == reflect.String
	switch fe.Tag() {
	case "required", "required_if":
		return msg.New(msg.FieldRequired)
	case "email":
		return msg.New(msg.FieldEmail)
	case "oneof":
		return msg.New(msg.FieldOneOf, "values", strings.Fields(p))
	case "min":
		if isStr {
			return msg.New(msg.FieldMinChars, "min", p)
		}
		if fe.Kind() == reflect.Slice {
			return msg.New(msg.FieldMinItems, "min", p)
		}
		return msg.New(msg.FieldMin, "min", p)
	case "max":
		if isStr {
			return msg.New(msg.FieldMaxChars, "max", p)
		}
		if fe.Kind() == reflect.Slice {
			return msg.New(msg.FieldMaxItems, "max", p)
		}
		return msg.New(msg.FieldMax, "max", p)
	case "gte":
		return msg.New(msg.FieldMin, "min", p)
	case "gt":
		return msg.New(msg.FieldGreater, "min", p)
	case "lte":
		return msg.New(msg.FieldMax, "max", p)
	case "lt":
		return msg.New(msg.FieldLess, "max", p)
	case "uuid", "uuid4", "uuid_rfc4122":
		return msg.New(msg.FieldID)
	case "password":
		s, _ := fe.Value().(string)
		m, _ := auth.PasswordCheck(s)
		return m
	case "date":
		return msg.New(msg.FieldDateRange)
	case "instant":
		return msg.New(msg.FieldInstant)
	case "notblank":
		return msg.New(msg.FieldNotBlank)
	case "dive":
		return msg.New(msg.FieldInvalid)
	}
	return msg.New(msg.FieldInvalidTag, "rule", fe.Tag())
}
