package bench

import (
	"bytes"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/valyala/fasthttp"
)

// Load is the result of driving one URL with a constant number of
// requests in flight.
type Load struct {
	// Requests answered with the expected status, and the others.
	OK, Failed int
	// Latencies of every answered request, sorted.
	Lat []time.Duration
	// Wall is how long the load ran.
	Wall time.Duration
}

// PerSecond is the rate of good answers.
func (l Load) PerSecond() float64 { return float64(l.OK) / l.Wall.Seconds() }

// Drive sends GET u with the headers (name, value, name, value, ...)
// from conc workers at once, each waiting for its answer before the next
// request, for dur; an answer with another status than want counts as
// failed. It uses fasthttp's client, which costs the shared CPU less than
// net/http's, so that more of the machine goes to the server measured.
func Drive(u string, conc int, dur time.Duration, want int, headers ...string) (Load, error) {
	uri := fasthttp.AcquireURI()
	defer fasthttp.ReleaseURI(uri)
	if err := uri.Parse(nil, []byte(u)); err != nil {
		return Load{}, err
	}
	client := &fasthttp.HostClient{Addr: string(uri.Host()), MaxConns: conc, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}
	var stop atomic.Bool
	lats := make([][]time.Duration, conc)
	failed := make([]int, conc)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(res)
			for !stop.Load() {
				req.Reset()
				req.SetRequestURI(u)
				for i := 0; i+1 < len(headers); i += 2 {
					req.Header.Set(headers[i], headers[i+1])
				}
				t0 := time.Now()
				err := client.Do(req, res)
				d := time.Since(t0)
				if err != nil || res.StatusCode() != want {
					failed[w]++
					continue
				}
				lats[w] = append(lats[w], d)
			}
		}()
	}
	time.Sleep(dur)
	stop.Store(true)
	wg.Wait()
	l := Load{Wall: time.Since(start)}
	for w := range lats {
		l.Lat = append(l.Lat, lats[w]...)
		l.Failed += failed[w]
	}
	l.OK = len(l.Lat)
	sort.Slice(l.Lat, func(i, j int) bool { return l.Lat[i] < l.Lat[j] })
	if l.OK == 0 {
		return l, fmt.Errorf("GET %s: no good answer in %v (%d failed)", u, dur, l.Failed)
	}
	return l, nil
}

// Fetch is one GET of u: its status and body.
func Fetch(u string, headers ...string) (int, []byte, error) {
	req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(res)
	req.SetRequestURI(u)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if err := fasthttp.DoTimeout(req, res, 30*time.Second); err != nil {
		return 0, nil, err
	}
	return res.StatusCode(), bytes.Clone(res.Body()), nil
}

// Header is one GET of u: its status and the value of the header name.
func Header(u, name string) (int, string, error) {
	req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(res)
	req.SetRequestURI(u)
	if err := fasthttp.DoTimeout(req, res, 30*time.Second); err != nil {
		return 0, "", err
	}
	return res.StatusCode(), string(res.Header.Peek(name)), nil
}
