package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// unmatchedRoute labels the requests no route answered (404s of unknown
// paths, refused preflights): the raw path would let any client mint
// series without bound.
const unmatchedRoute = "unmatched"

// httpMetrics counts requests by method, route and status, and times them.
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	inFlight prometheus.Gauge
	// routes are the app's routes ("GET /v1/cohorts/:id"), set once they
	// are all registered and before the app serves: whatever else answered
	// (a middleware: 404, a refused preflight) counts as unmatched.
	routes map[string]bool
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	service := prometheus.Labels{"service": "skillgrid"}
	labels := []string{"method", "path", "status_code"}
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total", ConstLabels: service,
			Help: "HTTP requests answered, by method, route (path; \"" + unmatchedRoute + "\" when no route matched) and status.",
		}, labels),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "http_request_duration_seconds", ConstLabels: service,
			Help:    "Time to answer HTTP requests, by method, route and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, labels),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "http_requests_in_progress", ConstLabels: service,
			Help: "HTTP requests being answered now.",
		}),
	}
	reg.MustRegister(m.requests, m.duration, m.inFlight)
	return m
}

// middleware observes every request once its answer is final (it runs
// outside answerErrors, so it sees the status the client gets).
func (m *httpMetrics) middleware(c *fiber.Ctx) error {
	m.inFlight.Inc()
	defer m.inFlight.Dec()
	start := time.Now()
	err := c.Next()
	route := c.Route()
	path := route.Path
	if !m.routes[route.Method+" "+path] {
		path = unmatchedRoute // the last handler that ran was a middleware
	}
	labels := []string{methodLabel(c.Method()), path, strconv.Itoa(c.Response().StatusCode())}
	m.requests.WithLabelValues(labels...).Inc()
	m.duration.WithLabelValues(labels...).Observe(time.Since(start).Seconds())
	return err
}

// knowRoutes records the app's routes, once every one is registered.
func (m *httpMetrics) knowRoutes(app *fiber.App) {
	m.routes = map[string]bool{}
	for _, r := range app.GetRoutes(true) { // true: without middleware
		m.routes[r.Method+" "+r.Path] = true
	}
}

// methodLabel keeps the method label to the methods HTTP defines.
func methodLabel(m string) string {
	switch m {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch,
		fiber.MethodDelete, fiber.MethodOptions, fiber.MethodConnect, fiber.MethodTrace:
		return m
	}
	return "OTHER"
}

// MetricsHandler serves reg in the Prometheus text format, for the public
// app's /metrics or for the internal address of SKILLGRID_METRICS_ADDR.
func MetricsHandler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg})
}
