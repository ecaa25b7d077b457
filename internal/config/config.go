// Package config loads SkillGrid's configuration from the environment once,
// at start, into a Config that is passed down to everything that needs it.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/skillgrid/skillgrid/internal/auth"
	"github.com/skillgrid/skillgrid/internal/credentials"
)

// MinSecretBytes is the shortest HMAC key accepted for signing access tokens.
const MinSecretBytes = 32

// Config is everything the process reads from its environment.
type Config struct {
	Addr            string
	DatabaseURL     string
	JWTSecret       []byte
	AdminEmail      string
	AdminPassword   string
	AccessTokenTTL  time.Duration
	RefreshTokenTTL time.Duration
	LogLevel        slog.Level
	// TrustedProxies are the load balancers (IPs or CIDRs) whose
	// X-Forwarded-For names the client; from anyone else it is ignored.
	TrustedProxies []string
	// CORSOrigins are the browser origins (scheme://host[:port], lower
	// case) allowed to call the API cross-origin; none by default.
	CORSOrigins []string
	// MetricsAddr, when set, serves /metrics on this separate (internal)
	// address and not on the public one.
	MetricsAddr string
	// SigningKeys sign certificates' credentials (SKILLGRID_SIGNING_KEYS,
	// a PEM file of RSA and Ed25519 private keys, oldest first); none
	// means keys generated and kept in the database.
	SigningKeys []credentials.Key
	// Issuer is the programme as credentials name it: SKILLGRID_ISSUER_NAME,
	// SKILLGRID_ISSUER_URL (the public base URL, which every id in a
	// credential starts with) and SKILLGRID_ISSUER_EMAIL.
	IssuerName  string
	IssuerURL   string
	IssuerEmail string
}

// Issuer defaults, for a server on its default address.
const (
	DefaultIssuerName = "SkillGrid"
	DefaultIssuerURL  = "http://127.0.0.1:8080"
)

// Error names the variable that is wrong and why, so that a bad start ends
// with one clear line.
type Error struct {
	Var    string
	Reason string
}

func (e *Error) Error() string { return e.Var + ": " + e.Reason }

// Load reads the configuration through getenv (os.Getenv in production). It
// does not require SKILLGRID_JWT_SECRET: commands that sign tokens check it
// with RequireSecret, so that `migrate` works without one.
func Load(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:            "127.0.0.1:8080",
		DatabaseURL:     "sqlite://./data/skillgrid.db",
		AccessTokenTTL:  15 * time.Minute,
		RefreshTokenTTL: 720 * time.Hour,
		LogLevel:        slog.LevelInfo,
	}
	if v := strings.TrimSpace(getenv("SKILLGRID_ADDR")); v != "" {
		if _, _, err := net.SplitHostPort(v); err != nil {
			return c, &Error{"SKILLGRID_ADDR", fmt.Sprintf("%q is not host:port", v)}
		}
		c.Addr = v
	}
	if v := strings.TrimSpace(getenv("SKILLGRID_DATABASE_URL")); v != "" {
		if !strings.HasPrefix(v, "sqlite://") && !strings.HasPrefix(v, "postgres://") && !strings.HasPrefix(v, "postgresql://") {
			return c, &Error{"SKILLGRID_DATABASE_URL", "must start with sqlite:// or postgres://"}
		}
		if v == "sqlite://" {
			return c, &Error{"SKILLGRID_DATABASE_URL", "sqlite:// needs a file path, e.g. sqlite://./data/skillgrid.db"}
		}
		if path, ok := strings.CutPrefix(v, "sqlite://"); ok && strings.Contains(path, "?") {
			// SQLite's own settings (WAL, synced commits, foreign keys,
			// busy timeout) are the server's to choose; a query here would
			// change or drop them, so it is refused rather than guessed at.
			return c, &Error{"SKILLGRID_DATABASE_URL", fmt.Sprintf("a sqlite:// URL takes only a file path, no ?query (got %q); e.g. sqlite://./data/skillgrid.db", "?"+strings.SplitN(path, "?", 2)[1])}
		}
		c.DatabaseURL = v
	}
	if v := getenv("SKILLGRID_JWT_SECRET"); v != "" {
		if len(v) < MinSecretBytes {
			return c, &Error{"SKILLGRID_JWT_SECRET", fmt.Sprintf("must be at least %d bytes, got %d", MinSecretBytes, len(v))}
		}
		c.JWTSecret = []byte(v)
	}
	c.AdminEmail = strings.TrimSpace(getenv("SKILLGRID_ADMIN_EMAIL"))
	c.AdminPassword = getenv("SKILLGRID_ADMIN_PASSWORD")
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		if c.AdminEmail == "" {
			return c, &Error{"SKILLGRID_ADMIN_EMAIL", "must be set when SKILLGRID_ADMIN_PASSWORD is"}
		}
		return c, &Error{"SKILLGRID_ADMIN_PASSWORD", "must be set when SKILLGRID_ADMIN_EMAIL is"}
	}
	if c.AdminEmail != "" {
		if a, err := mail.ParseAddress(c.AdminEmail); err != nil || a.Address != c.AdminEmail {
			return c, &Error{"SKILLGRID_ADMIN_EMAIL", "must be a plain email address, e.g. ops@city.go.kr"}
		}
		if msg := auth.PasswordProblem(c.AdminPassword); msg != "" {
			return c, &Error{"SKILLGRID_ADMIN_PASSWORD", msg}
		}
	}
	var err error
	if c.AccessTokenTTL, err = duration(getenv, "SKILLGRID_ACCESS_TOKEN_TTL", c.AccessTokenTTL); err != nil {
		return c, err
	}
	if c.RefreshTokenTTL, err = duration(getenv, "SKILLGRID_REFRESH_TOKEN_TTL", c.RefreshTokenTTL); err != nil {
		return c, err
	}
	if v := strings.TrimSpace(getenv("SKILLGRID_LOG_LEVEL")); v != "" {
		switch strings.ToLower(v) {
		case "debug":
			c.LogLevel = slog.LevelDebug
		case "info":
			c.LogLevel = slog.LevelInfo
		case "warn":
			c.LogLevel = slog.LevelWarn
		case "error":
			c.LogLevel = slog.LevelError
		default:
			return c, &Error{"SKILLGRID_LOG_LEVEL", fmt.Sprintf("%q is not one of debug, info, warn, error", v)}
		}
	}
	if v := strings.TrimSpace(getenv("SKILLGRID_TRUSTED_PROXIES")); v != "" {
		for _, p := range strings.Split(v, ",") {
			p = strings.TrimSpace(p)
			if net.ParseIP(p) == nil {
				if _, _, err := net.ParseCIDR(p); err != nil {
					return c, &Error{"SKILLGRID_TRUSTED_PROXIES", fmt.Sprintf("%q is not an IP address or CIDR", p)}
				}
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	if v := strings.TrimSpace(getenv("SKILLGRID_CORS_ORIGINS")); v != "" {
		for _, o := range strings.Split(v, ",") {
			origin, err := parseOrigin(strings.TrimSpace(o))
			if err != nil {
				return c, &Error{"SKILLGRID_CORS_ORIGINS", err.Error()}
			}
			c.CORSOrigins = append(c.CORSOrigins, origin)
		}
	}
	if v := strings.TrimSpace(getenv("SKILLGRID_METRICS_ADDR")); v != "" {
		if _, _, err := net.SplitHostPort(v); err != nil {
			return c, &Error{"SKILLGRID_METRICS_ADDR", fmt.Sprintf("%q is not host:port", v)}
		}
		if v == c.Addr {
			return c, &Error{"SKILLGRID_METRICS_ADDR", fmt.Sprintf("%q is SKILLGRID_ADDR; give the metrics an address of their own, or leave it unset to serve them on the public port", v)}
		}
		c.MetricsAddr = v
	}
	if err := loadIssuer(getenv, &c); err != nil {
		return c, err
	}
	return c, nil
}

// loadIssuer reads the signing keys and the issuer's Profile.
func loadIssuer(getenv func(string) string, c *Config) error {
	if path := strings.TrimSpace(getenv("SKILLGRID_SIGNING_KEYS")); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return &Error{"SKILLGRID_SIGNING_KEYS", err.Error()}
		}
		if c.SigningKeys, err = credentials.ParsePEM(data); err != nil {
			return &Error{"SKILLGRID_SIGNING_KEYS", err.Error()}
		}
	}
	c.IssuerName = DefaultIssuerName
	if v := strings.TrimSpace(getenv("SKILLGRID_ISSUER_NAME")); v != "" {
		c.IssuerName = v
	}
	c.IssuerURL = "http://" + c.Addr
	if v := strings.TrimSpace(getenv("SKILLGRID_ISSUER_URL")); v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			return &Error{"SKILLGRID_ISSUER_URL", fmt.Sprintf("%q is not a base URL such as https://skillgrid.city.go.kr", v)}
		}
		c.IssuerURL = strings.TrimRight(v, "/")
	}
	if v := strings.TrimSpace(getenv("SKILLGRID_ISSUER_EMAIL")); v != "" {
		if a, err := mail.ParseAddress(v); err != nil || a.Address != v {
			return &Error{"SKILLGRID_ISSUER_EMAIL", "must be a plain email address, e.g. skills@city.go.kr"}
		}
		c.IssuerEmail = v
	}
	return nil
}

// parseOrigin checks that o is a browser origin, scheme://host[:port] with
// nothing after it, and returns it in lower case, as browsers send it.
func parseOrigin(o string) (string, error) {
	u, err := url.Parse(o)
	bad := fmt.Errorf("%q is not an origin such as https://portal.city.go.kr or http://localhost:5173 (scheme, host and port only)", o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" ||
		u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(o, "/") ||
		strings.ContainsAny(o, "*?# ") {
		return "", bad
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return "", bad
		}
	}
	return strings.ToLower(o), nil
}

// RequireSecret reports a clear error when no signing key was configured.
func (c Config) RequireSecret() error {
	if len(c.JWTSecret) == 0 {
		return &Error{"SKILLGRID_JWT_SECRET", fmt.Sprintf("is required (at least %d bytes); use --dev for a throwaway key", MinSecretBytes)}
	}
	return nil
}

func duration(getenv func(string) string, name string, def time.Duration) (time.Duration, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return def, &Error{name, fmt.Sprintf("%q is not a duration such as 15m or 720h", v)}
	}
	if d <= 0 {
		return def, &Error{name, "must be positive"}
	}
	return d, nil
}

// IsConfigError reports whether err is a configuration error.
func IsConfigError(err error) bool {
	var ce *Error
	return errors.As(err, &ce)
}
