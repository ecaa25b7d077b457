package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/msg"
)

// MinPasswordLength is the shortest password accepted, in characters.
const MinPasswordLength = 10

// MaxPasswordLength is the longest password accepted, in characters (so at
// most 1,024 bytes of UTF-8). Argon2 has no length limit of its own; this
// one bounds the work a request can ask of the hasher.
const MaxPasswordLength = 256

// bcryptMaxBytes is the most bcrypt ever hashed: a longer password cannot
// match a bcrypt hash made before the move to argon2id.
const bcryptMaxBytes = 72

// HashParams are argon2id's costs.
type HashParams struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8
}

// DefaultHashParams are one of OWASP's recommended argon2id settings
// (m=7 MiB, t=5, p=1; OWASP rates its set m=46 MiB/t=1, 19 MiB/2, 12 MiB/3,
// 9 MiB/4, 7 MiB/5 as equal in strength). Among them it measured cheapest
// per hash on the 2-core server (README, "Login storm"), and it keeps
// 7 MiB per hashing slot.
var DefaultHashParams = HashParams{Memory: 7 * 1024, Time: 5, Threads: 1}

const (
	saltBytes = 16
	keyBytes  = 32
)

// HashOptions size a Hasher. Zero fields take the defaults.
type HashOptions struct {
	Params HashParams
	// Slots is how many hashes run at once (default runtime.GOMAXPROCS(0)).
	Slots int
	// Queue is how many more may wait for a slot (default 32 per slot);
	// past that a request is refused with 503 rather than kept waiting.
	Queue int
}

// busyRetry is what a client refused for a full queue is told to wait.
const busyRetry = time.Second

// Hasher hashes and checks passwords with argon2id, and still checks the
// bcrypt hashes made before. Every hash and check runs in one of a few
// slots, so that password work never starves the rest of the API: a request
// that finds every slot busy and the queue full is refused at once.
type Hasher struct {
	params   HashParams
	slots    chan struct{} // one token per hash running
	admitted chan struct{} // one token per hash running or waiting
	dummy    string
}

// NewHasher returns a Hasher sized by o.
func NewHasher(o HashOptions) (*Hasher, error) {
	if o.Params == (HashParams{}) {
		o.Params = DefaultHashParams
	}
	if o.Slots <= 0 {
		o.Slots = runtime.GOMAXPROCS(0)
	}
	if o.Queue <= 0 {
		o.Queue = 32 * o.Slots
	}
	h := &Hasher{
		params:   o.Params,
		slots:    make(chan struct{}, o.Slots),
		admitted: make(chan struct{}, o.Slots+o.Queue),
	}
	d, err := h.hash("skillgrid-timing-equaliser")
	if err != nil {
		return nil, err
	}
	h.dummy = d
	return h, nil
}

// Hold takes a hashing slot, waiting in the queue if need be, and returns
// the function that gives it back. Hash and Check go through it; it is
// exported for work of the same weight and for tests that fill the slots.
// A full queue answers apperr.Unavailable with a Retry-After.
func (h *Hasher) Hold(ctx context.Context) (release func(), err error) {
	select {
	case h.admitted <- struct{}{}:
	default:
		e := apperr.Unavailable(msg.HashingBusy)
		e.RetryAfter = busyRetry
		return nil, e
	}
	select {
	case h.slots <- struct{}{}:
		return func() { <-h.slots; <-h.admitted }, nil
	case <-ctx.Done():
		<-h.admitted
		return nil, fmt.Errorf("wait for a hashing slot: %w", ctx.Err())
	}
}

// Waiting is how many hashes are queued for a slot.
func (h *Hasher) Waiting() int {
	return max(len(h.admitted)-len(h.slots), 0)
}

// Hash returns the argon2id hash of password in the PHC string format
// ($argon2id$v=19$m=...,t=...,p=...$salt$hash).
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	release, err := h.Hold(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return h.hash(password)
}

func (h *Hasher) hash(password string) (string, error) {
	salt := make([]byte, saltBytes)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	p := h.params
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyBytes)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// Check reports whether password matches hash, an argon2id PHC string or
// an older bcrypt hash, comparing in constant time.
func (h *Hasher) Check(ctx context.Context, hash, password string) (bool, error) {
	if isBcrypt(hash) {
		if len(password) > bcryptMaxBytes {
			return false, nil
		}
		release, err := h.Hold(ctx)
		if err != nil {
			return false, err
		}
		defer release()
		return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil, nil
	}
	p, salt, key, err := parseArgon2id(hash)
	if err != nil {
		return false, err
	}
	release, err := h.Hold(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// Waste spends the time of one check, so that an unknown email answers as
// slowly as a wrong password. It waits for a slot like a check does.
func (h *Hasher) Waste(ctx context.Context, password string) error {
	_, err := h.Check(ctx, h.dummy, password)
	return err
}

// NeedsRehash reports whether hash is of an older kind (bcrypt) or was made
// with other argon2id parameters than the Hasher's: the next successful
// login replaces it.
func (h *Hasher) NeedsRehash(hash string) bool {
	p, _, _, err := parseArgon2id(hash)
	return err != nil || p != h.params
}

// hashKind names a stored hash's scheme for the audit trail, never the
// hash itself.
func hashKind(hash string) string {
	if isBcrypt(hash) {
		return "bcrypt"
	}
	if p, _, _, err := parseArgon2id(hash); err == nil {
		return fmt.Sprintf("argon2id m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads)
	}
	return "unknown"
}

func isBcrypt(hash string) bool {
	return strings.HasPrefix(hash, "$2a$") || strings.HasPrefix(hash, "$2b$") || strings.HasPrefix(hash, "$2y$")
}

var errBadHash = errors.New("stored password hash is neither argon2id nor bcrypt")

// parseArgon2id reads a PHC string of argon2id, version 19.
func parseArgon2id(s string) (HashParams, []byte, []byte, error) {
	var p HashParams
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, errBadHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("%w: %v", errBadHash, err)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, fmt.Errorf("%w: %v", errBadHash, err)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) == 0 || p.Time == 0 || p.Threads == 0 {
		return p, nil, nil, errBadHash
	}
	return p, salt, key, nil
}

// PasswordCheck says what is wrong with a new password, and false when it
// is acceptable: from MinPasswordLength to MaxPasswordLength characters.
func PasswordCheck(p string) (msg.Message, bool) {
	switch n := utf8.RuneCountInString(p); {
	case n < MinPasswordLength:
		return msg.New(msg.PasswordTooShort, "min", MinPasswordLength), true
	case n > MaxPasswordLength:
		return msg.New(msg.PasswordTooLong, "max", MaxPasswordLength, "got", n), true
	}
	return msg.Message{}, false
}

// PasswordProblem is what PasswordCheck finds, in English, or "": for the
// command line and the configuration, whose messages are English.
func PasswordProblem(p string) string {
	if m, bad := PasswordCheck(p); bad {
		return m.Text(msg.English)
	}
	return ""
}
