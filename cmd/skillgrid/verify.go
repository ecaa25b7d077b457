package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/skillgrid/skillgrid/internal/credentials"
)

const verifyUsage = `usage: skillgrid verify [--jwks FILE|URL] [--status FILE|URL] [--at TIME] FILE
checks a certificate's credential (a VC-JWT, as GET /v1/certificates/{code}/credential
answers it): the signature against the issuer's keys (default: the JWKS at the
issuer's /.well-known/jwks.json), the issuer, the validity dates as of --at
(default now, RFC 3339) and the revocation status (the list the credential names,
or --status); exit 0 only when valid`

// maxDocument bounds what verify reads from a file or an address.
const maxDocument = 16 << 20

// verify checks a credential offline, or with the issuer's published key
// set and status list when they are not given.
func verify(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	jwks := fs.String("jwks", "", "the issuer's key set: a file or an http(s) URL")
	status := fs.String("status", "", "the status list credential: a file or an http(s) URL")
	atFlag := fs.String("at", "", "check as of this time (RFC 3339); default now")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		return errors.New(verifyUsage)
	}
	at := time.Now()
	if *atFlag != "" {
		t, err := time.Parse(time.RFC3339, *atFlag)
		if err != nil {
			return fmt.Errorf("--at %q is not an RFC 3339 time\n%s", *atFlag, verifyUsage)
		}
		at = t
	}
	raw, err := load(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	token := strings.TrimSpace(string(raw))
	if *jwks == "" {
		iss, err := unverifiedIssuer(token)
		if err != nil {
			return err
		}
		base, ok := strings.CutSuffix(iss, "/v1/issuer")
		if !ok {
			return fmt.Errorf("the issuer %q publishes no key set SkillGrid knows of: give --jwks", iss)
		}
		*jwks = base + "/.well-known/jwks.json"
	}
	set, err := load(ctx, *jwks)
	if err != nil {
		return err
	}
	ks, err := credentials.ParseKeySet(set)
	if err != nil {
		return err
	}
	v, err := credentials.VerifyJWT(token, ks, at)
	if err != nil {
		return fmt.Errorf("INVALID: %w", err)
	}
	fmt.Fprintf(out, "signature: ok (%s, key %s)\n", v.Alg, v.KeyID)
	fmt.Fprintf(out, "issuer: %s (%s)\n", v.Credential.Issuer.Name, v.Credential.Issuer.ID)
	fmt.Fprintf(out, "dates: valid from %s", v.Credential.ValidFrom)
	if v.Credential.ValidUntil != "" {
		fmt.Fprintf(out, " until %s", v.Credential.ValidUntil)
	}
	fmt.Fprintf(out, ", checked as of %s\n", at.UTC().Format(time.RFC3339))
	switch {
	case v.Status == nil:
		fmt.Fprintln(out, "status: the credential names no status list")
	default:
		src := *status
		if src == "" {
			src = v.Status.StatusListCredential
		}
		list, err := load(ctx, src)
		if err != nil && *status == "" {
			// Offline and not given: the rest was checked; say what was not.
			fmt.Fprintf(out, "status: not checked (%v); give --status to check it offline\n", err)
			break
		}
		if err != nil {
			return err
		}
		if err := credentials.CheckStatus(*v.Status, v.Credential.Issuer.ID, string(list), ks, at); err != nil {
			return fmt.Errorf("INVALID: %w", err)
		}
		fmt.Fprintf(out, "status: not revoked (%s index %s)\n", v.Status.StatusListCredential, v.Status.StatusListIndex)
	}
	fmt.Fprintf(out, "valid: %s\n", v.Credential.ID)
	return nil
}

// unverifiedIssuer reads iss from a JWT without checking it, only to find
// where the issuer publishes its keys.
func unverifiedIssuer(token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", errors.New("INVALID: not a compact JWS (header.payload.signature)")
	}
	p, err := base64.RawURLEncoding.DecodeString(parts[1])
	var c struct {
		Iss string `json:"iss"`
	}
	if err != nil || json.Unmarshal(p, &c) != nil || c.Iss == "" {
		return "", errors.New("INVALID: the payload has no iss")
	}
	return c.Iss, nil
}

// load reads a file, or fetches an http(s) URL.
func load(ctx context.Context, src string) ([]byte, error) {
	if !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
		f, err := os.Open(src)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return io.ReadAll(io.LimitReader(f, maxDocument))
	}
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", src, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: %s", src, res.Status)
	}
	return io.ReadAll(io.LimitReader(res.Body, maxDocument))
}
