package httpapi

import (
	"hash/fnv"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/catalogue"
)

// readCache keeps the encoded answers of the public catalogue reads (the
// view everyone but an admin gets), so that a rush of trainees refreshing
// the same lists costs a map lookup and one shared read of the catalogue's
// version instead of several queries and a JSON encoding each. An answer
// is reused only while
//
//   - the catalogue's version is the one it was read under: every track,
//     course and cohort change bumps it in its own transaction, and every
//     request reads it anew (catalogue.Service.Version), so a change made
//     through any serve process is seen at once by all;
//   - no state-changing request has succeeded in this process since
//     (local): an enrolment here shows in this process's next read at once;
//   - it is younger than its expiry: a second after it was read where it
//     holds seat counts (catalogue.SeatsMaxAge: enrolments through other
//     processes show within a second), and never past the next moment a
//     cohort in it changes status (catalogue.NextChange).
//
// Entries of older generations are dropped as soon as a newer one is
// stored; at most readCacheEntries are kept (then all are dropped), since
// the key holds the client's query.
type readCache struct {
	local atomic.Int64 // state-changing requests answered by this process

	mu      sync.RWMutex
	gen     cacheGen
	entries map[string]*cachedRead
}

const readCacheEntries = 4096

// cacheGen is what an answer was read under.
type cacheGen struct {
	version int64 // the catalogue's version
	local   int64 // readCache.local
}

// cachedRead is one encoded answer.
type cachedRead struct {
	body    []byte
	etag    string
	expires time.Time // zero: only a new generation ends it
}

func (rc *readCache) get(key string, g cacheGen, now time.Time) *cachedRead {
	rc.mu.RLock()
	defer rc.mu.RUnlock()
	if rc.gen != g {
		return nil
	}
	e := rc.entries[key]
	if e == nil || (!e.expires.IsZero() && !now.Before(e.expires)) {
		return nil
	}
	return e
}

func (rc *readCache) put(key string, g cacheGen, e *cachedRead) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	switch {
	case g == rc.gen && len(rc.entries) < readCacheEntries:
	case g.version >= rc.gen.version && g.local >= rc.gen.local:
		// A newer generation (or a full map): start afresh.
		rc.gen, rc.entries = g, map[string]*cachedRead{}
	default:
		return // read under an older generation than the cache's
	}
	rc.entries[key] = e
}

// countChanges notes every state-changing request this process answered
// successfully (but signing in and out, which change nothing the
// catalogue shows), once it is answered, so that the next catalogue read
// here is read anew.
func (h *Handlers) countChanges(c *fiber.Ctx) error {
	err := c.Next()
	m := c.Method()
	if err == nil && m != fiber.MethodGet && m != fiber.MethodHead && c.Response().StatusCode() < 400 &&
		!strings.HasPrefix(c.Path(), "/v1/auth/") {
		h.reads.local.Add(1)
	}
	return err
}

// publicRead answers a catalogue read. Admins, who see more than the
// public view, are answered by fill every time. Everyone else gets the
// cached answer when there is a good one, read by fill otherwise; fill
// says whether what it read is the public view (only that is kept: an
// instructor may see a cohort of a draft course) and until when it holds
// (zero: until the next change). Every answer carries a strong ETag (a
// client that sends it back in If-None-Match gets 304 and no body), and
// anonymous ones Cache-Control: public, max-age=1 (see cacheable).
func (h *Handlers) publicRead(c *fiber.Ctx, seats bool, fill func(now time.Time) (v any, public bool, until time.Time, err error)) error {
	if actor(c).Role == auth.Admin {
		v, _, _, err := fill(h.Catalogue.Now())
		if err != nil {
			return err
		}
		return c.JSON(v)
	}
	key := c.Path() + "?" + string(c.Request().URI().QueryString())
	g := cacheGen{local: h.reads.local.Load()}
	v, err := h.Catalogue.Version(c.UserContext())
	if err != nil {
		return err
	}
	g.version = v
	now := h.Catalogue.Now()
	e := h.reads.get(key, g, now)
	if e == nil {
		v, public, until, err := fill(now)
		if err != nil {
			return err
		}
		body, err := c.App().Config().JSONEncoder(v)
		if err != nil {
			return err
		}
		sum := fnv.New64a()
		_, _ = sum.Write(body)
		e = &cachedRead{body: body, etag: `"` + strconv.FormatUint(sum.Sum64(), 36) + `"`, expires: until}
		if seats && (e.expires.IsZero() || e.expires.After(now.Add(catalogue.SeatsMaxAge))) {
			e.expires = now.Add(catalogue.SeatsMaxAge)
		}
		if public {
			h.reads.put(key, g, e)
		}
	}
	c.Set(fiber.HeaderETag, e.etag)
	if c.Get(fiber.HeaderAuthorization) == "" {
		c.Set(fiber.HeaderCacheControl, "public, max-age=1")
	}
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), e.etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(e.body)
}

// etagMatches reports whether an If-None-Match header names etag (weakly
// compared, as RFC 9110 asks for If-None-Match) or is "*".
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
