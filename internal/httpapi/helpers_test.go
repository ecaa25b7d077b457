package httpapi_test

import (
	"net/http"
	"net/http/httptest"

	"github.com/gofiber/fiber/v2"
)

type fiberCtx = fiber.Ctx

func httptestRequest(method, path string) *http.Request {
	return httptest.NewRequest(method, path, nil)
}
