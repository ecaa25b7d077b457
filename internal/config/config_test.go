package config_test

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skillgrid/skillgrid/internal/config"
	"github.com/skillgrid/skillgrid/internal/credentials"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.DatabaseURL != "sqlite://./data/skillgrid.db" ||
		c.AccessTokenTTL != 15*time.Minute || c.RefreshTokenTTL != 720*time.Hour || c.LogLevel != slog.LevelInfo {
		t.Fatalf("defaults %+v", c)
	}
	if err := c.RequireSecret(); err == nil || !strings.HasPrefix(err.Error(), "SKILLGRID_JWT_SECRET") {
		t.Fatalf("missing secret: %v", err)
	}
}

func TestEveryBadValueNamesItsVariable(t *testing.T) {
	cases := map[string]map[string]string{
		"SKILLGRID_ADDR":              {"SKILLGRID_ADDR": "8080"},
		"SKILLGRID_DATABASE_URL":      {"SKILLGRID_DATABASE_URL": "mysql://x"},
		"SKILLGRID_JWT_SECRET":        {"SKILLGRID_JWT_SECRET": "too-short"},
		"SKILLGRID_ADMIN_PASSWORD":    {"SKILLGRID_ADMIN_EMAIL": "a@b.kr"},
		"SKILLGRID_ADMIN_EMAIL":       {"SKILLGRID_ADMIN_PASSWORD": "something-long"},
		"SKILLGRID_ACCESS_TOKEN_TTL":  {"SKILLGRID_ACCESS_TOKEN_TTL": "15 minutes"},
		"SKILLGRID_REFRESH_TOKEN_TTL": {"SKILLGRID_REFRESH_TOKEN_TTL": "-1h"},
		"SKILLGRID_LOG_LEVEL":         {"SKILLGRID_LOG_LEVEL": "verbose"},
		"SKILLGRID_TRUSTED_PROXIES":   {"SKILLGRID_TRUSTED_PROXIES": "10.0.0.0/8, lb.internal"},
		"SKILLGRID_CORS_ORIGINS":      {"SKILLGRID_CORS_ORIGINS": "https://portal.city.go.kr, *"},
		"SKILLGRID_METRICS_ADDR":      {"SKILLGRID_METRICS_ADDR": "9090"},
	}
	for name, vars := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := config.Load(env(vars))
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.HasPrefix(err.Error(), name+": ") || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q does not start with %s on one line", err, name)
			}
		})
	}
}

func TestBootstrapAdminIsCheckedAtStart(t *testing.T) {
	for _, tc := range []struct{ email, password, variable string }{
		{"ops@city.go.kr", "short", "SKILLGRID_ADMIN_PASSWORD"},
		{"ops@city.go.kr", strings.Repeat("배", 257), "SKILLGRID_ADMIN_PASSWORD"}, // over 256 characters
		{"not-an-email", "long-enough-password", "SKILLGRID_ADMIN_EMAIL"},
		{"Ops <ops@city.go.kr>", "long-enough-password", "SKILLGRID_ADMIN_EMAIL"},
	} {
		_, err := config.Load(env(map[string]string{"SKILLGRID_ADMIN_EMAIL": tc.email, "SKILLGRID_ADMIN_PASSWORD": tc.password}))
		if err == nil || !strings.HasPrefix(err.Error(), tc.variable+": ") {
			t.Errorf("%q / %q: error %v, want one naming %s", tc.email, tc.password, err, tc.variable)
		}
	}
	if _, err := config.Load(env(map[string]string{"SKILLGRID_ADMIN_EMAIL": "ops@city.go.kr", "SKILLGRID_ADMIN_PASSWORD": strings.Repeat("배터리", 8)})); err != nil {
		t.Errorf("24 Hangul characters (72 bytes) refused: %v", err)
	}
}

func TestValuesAreRead(t *testing.T) {
	c, err := config.Load(env(map[string]string{
		"SKILLGRID_ADDR":              "0.0.0.0:9000",
		"SKILLGRID_DATABASE_URL":      "postgres://u:p@db:5432/skillgrid?sslmode=disable",
		"SKILLGRID_JWT_SECRET":        strings.Repeat("k", 32),
		"SKILLGRID_ADMIN_EMAIL":       "root@city.go.kr",
		"SKILLGRID_ADMIN_PASSWORD":    "bootstrap-password",
		"SKILLGRID_ACCESS_TOKEN_TTL":  "5m",
		"SKILLGRID_REFRESH_TOKEN_TTL": "24h",
		"SKILLGRID_LOG_LEVEL":         "debug",
		"SKILLGRID_TRUSTED_PROXIES":   "10.0.0.0/8, 192.168.1.10",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9000" || string(c.JWTSecret) != strings.Repeat("k", 32) || c.AccessTokenTTL != 5*time.Minute ||
		c.RefreshTokenTTL != 24*time.Hour || c.LogLevel != slog.LevelDebug || c.AdminEmail != "root@city.go.kr" ||
		len(c.TrustedProxies) != 2 || c.TrustedProxies[1] != "192.168.1.10" {
		t.Fatalf("loaded %+v", c)
	}
	if err := c.RequireSecret(); err != nil {
		t.Fatal(err)
	}
}

// A sqlite:// URL is a file path alone: a query would reach SQLite's own
// settings, so it is refused at start, on one line naming the variable.
func TestSQLiteURLTakesNoQuery(t *testing.T) {
	for _, url := range []string{"sqlite://./data/x.db?mode=ro", "sqlite:///tmp/a?b.db", "sqlite://x.db?_pragma=foreign_keys(0)"} {
		_, err := config.Load(env(map[string]string{"SKILLGRID_DATABASE_URL": url}))
		if err == nil {
			t.Fatalf("%s accepted", url)
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "SKILLGRID_DATABASE_URL: ") || !strings.Contains(msg, "no ?query") || strings.Contains(msg, "\n") {
			t.Errorf("%s: %q", url, msg)
		}
	}
	for _, url := range []string{"sqlite://./data/a#b.db", "sqlite:///tmp/100%.db", "postgres://u:p@h:5432/db?sslmode=disable"} {
		c, err := config.Load(env(map[string]string{"SKILLGRID_DATABASE_URL": url}))
		if err != nil || c.DatabaseURL != url {
			t.Errorf("%s: %v, %q", url, err, c.DatabaseURL)
		}
	}
}

func TestCORSOriginsAreOriginsOnly(t *testing.T) {
	c, err := config.Load(env(map[string]string{"SKILLGRID_CORS_ORIGINS": " https://Portal.City.go.kr ,http://localhost:5173"}))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"https://portal.city.go.kr", "http://localhost:5173"}; strings.Join(c.CORSOrigins, " ") != strings.Join(want, " ") {
		t.Fatalf("origins %q, want %q", c.CORSOrigins, want)
	}
	if c, _ := config.Load(env(nil)); len(c.CORSOrigins) != 0 {
		t.Fatalf("origins allowed by default: %q", c.CORSOrigins)
	}
	for _, bad := range []string{
		"*", "portal.city.go.kr", "ftp://portal.city.go.kr", "https://portal.city.go.kr/", "https://portal.city.go.kr/app",
		"https://*.city.go.kr", "https://portal.city.go.kr?x=1", "https://user@portal.city.go.kr", "https://", "http://localhost:99999",
		"https://a.kr,,https://b.kr",
	} {
		_, err := config.Load(env(map[string]string{"SKILLGRID_CORS_ORIGINS": bad}))
		if err == nil || !strings.HasPrefix(err.Error(), "SKILLGRID_CORS_ORIGINS: ") || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error %v, want one line naming SKILLGRID_CORS_ORIGINS", bad, err)
		}
	}
}

func TestMetricsAddressIsItsOwn(t *testing.T) {
	c, err := config.Load(env(map[string]string{"SKILLGRID_METRICS_ADDR": "127.0.0.1:9090"}))
	if err != nil || c.MetricsAddr != "127.0.0.1:9090" {
		t.Fatalf("metrics address %q, %v", c.MetricsAddr, err)
	}
	if c, _ := config.Load(env(nil)); c.MetricsAddr != "" {
		t.Fatalf("metrics address by default: %q", c.MetricsAddr)
	}
	_, err = config.Load(env(map[string]string{"SKILLGRID_ADDR": "0.0.0.0:8080", "SKILLGRID_METRICS_ADDR": "0.0.0.0:8080"}))
	if err == nil || !strings.HasPrefix(err.Error(), "SKILLGRID_METRICS_ADDR: ") {
		t.Fatalf("metrics on the public address: %v", err)
	}
}

func TestSigningKeysAndIssuer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var file []byte
	for _, k := range []crypto.Signer{r, ed} {
		p, err := credentials.EncodePEM(k)
		if err != nil {
			t.Fatal(err)
		}
		file = append(file, p...)
	}
	keys := filepath.Join(dir, "keys.pem")
	if err := os.WriteFile(keys, file, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(env(map[string]string{
		"SKILLGRID_SIGNING_KEYS": keys, "SKILLGRID_ISSUER_NAME": "시 인력양성 사업단",
		"SKILLGRID_ISSUER_URL": "https://skills.example.kr/", "SKILLGRID_ISSUER_EMAIL": "skills@example.kr",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.SigningKeys) != 2 || c.SigningKeys[0].Alg != credentials.RS256 || c.SigningKeys[1].Alg != credentials.EdDSA {
		t.Fatalf("keys %+v", c.SigningKeys)
	}
	if c.IssuerName != "시 인력양성 사업단" || c.IssuerURL != "https://skills.example.kr" || c.IssuerEmail != "skills@example.kr" {
		t.Fatalf("issuer %q %q %q", c.IssuerName, c.IssuerURL, c.IssuerEmail)
	}
	d, err := config.Load(env(nil))
	if err != nil || d.SigningKeys != nil || d.IssuerURL != "http://127.0.0.1:8080" || d.IssuerName != config.DefaultIssuerName {
		t.Fatalf("defaults %v %+v", err, d)
	}
	notKeys := filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(notKeys, []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, vars := range map[string]map[string]string{
		"SKILLGRID_SIGNING_KEYS":  {"SKILLGRID_SIGNING_KEYS": filepath.Join(dir, "missing.pem")},
		"SKILLGRID_ISSUER_URL":    {"SKILLGRID_ISSUER_URL": "skills.example.kr"},
		"SKILLGRID_ISSUER_EMAIL":  {"SKILLGRID_ISSUER_EMAIL": "not an address"},
		"SKILLGRID_SIGNING_KEYS ": {"SKILLGRID_SIGNING_KEYS": notKeys},
	} {
		if _, err := config.Load(env(vars)); err == nil || !strings.HasPrefix(err.Error(), strings.TrimSpace(name)+": ") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
