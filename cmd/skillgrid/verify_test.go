package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/skillgrid/skillgrid/internal/config"
	"github.com/skillgrid/skillgrid/internal/credentials"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

func TestVerifyCommand(t *testing.T) {
	t.Parallel()
	for _, dialect := range testutil.Dialects(t) {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			e := testutil.New(t, dialect)
			c := e.OpenCohort(testutil.CohortSpec{})
			trainee := e.Trainees(1)[0]
			var en struct {
				ID string `json:"id"`
			}
			e.Post("/v1/cohorts/"+c.ID+"/enrolments", trainee.Token, nil).Want(t, http.StatusCreated).JSON(t, &en)
			e.Clock.Advance(8 * 24 * time.Hour)
			var res struct {
				Results []struct {
					CertificateCode string `json:"certificate_code"`
				} `json:"results"`
			}
			e.Post("/v1/cohorts/"+c.ID+"/results", c.Instructor.Token, map[string]any{"results": []map[string]any{
				{"enrolment_id": en.ID, "attended_hours": 40, "score": 90},
			}}).Want(t, http.StatusOK).JSON(t, &res)
			done := struct{ CertificateCode string }{res.Results[0].CertificateCode}
			dir := t.TempDir()
			write := func(name string, b []byte) string {
				t.Helper()
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, b, 0o600); err != nil {
					t.Fatal(err)
				}
				return p
			}
			cred := e.Get("/v1/certificates/"+done.CertificateCode+"/credential", "").Want(t, http.StatusOK).Body
			ed := e.Get("/v1/certificates/"+done.CertificateCode+"/credential?alg=Ed25519", "").Want(t, http.StatusOK).Body
			set := e.Get("/.well-known/jwks.json", "").Want(t, http.StatusOK).Body
			credFile, edFile, jwksFile := write("cred.jwt", cred), write("ed.jwt", ed), write("jwks.json", set)
			var payload struct {
				ValidFrom string `json:"validFrom"`
				Status    struct {
					StatusListCredential string `json:"statusListCredential"`
				} `json:"credentialStatus"`
			}
			p, _ := base64.RawURLEncoding.DecodeString(strings.Split(string(cred), ".")[1])
			if err := json.Unmarshal(p, &payload); err != nil {
				t.Fatal(err)
			}
			listPath := strings.TrimPrefix(payload.Status.StatusListCredential, config.DefaultIssuerURL)
			list := func() string {
				return write("list.jwt", e.Get(listPath, "").Want(t, http.StatusOK).Body)
			}
			at := e.Clock.Now().Add(time.Minute).Format(time.RFC3339)
			check := func(args ...string) (string, error) {
				var out bytes.Buffer
				err := run(context.Background(), append([]string{"verify"}, args...), envOf(nil), stdin(""), &out)
				return out.String(), err
			}
			mustFail := func(want error, args ...string) {
				t.Helper()
				out, err := check(args...)
				if !errors.Is(err, want) {
					t.Errorf("verify %v: %v, want %v; output:\n%s", args, err, want, out)
				}
			}

			// Valid, RS256 and Ed25519.
			statusFile := list()
			for _, f := range []string{credFile, edFile} {
				out, err := check("--jwks", jwksFile, "--status", statusFile, "--at", at, f)
				if err != nil || !strings.Contains(out, "status: not revoked") || !strings.Contains(out, "valid: ") {
					t.Fatalf("a valid credential: %v\n%s", err, out)
				}
			}
			// The key set fetched by URL.
			base := e.Serve()
			if out, err := check("--jwks", base+"/.well-known/jwks.json", "--status", base+listPath, "--at", at, credFile); err != nil {
				t.Fatalf("key set and status list by URL: %v\n%s", err, out)
			}

			// One changed byte of the payload.
			parts := strings.Split(string(cred), ".")
			changed := strings.Replace(string(p), `"name"`, `"nAme"`, 1)
			tampered := write("tampered.jwt", []byte(parts[0]+"."+base64.RawURLEncoding.EncodeToString([]byte(changed))+"."+parts[2]))
			mustFail(credentials.ErrSignature, "--jwks", jwksFile, "--status", statusFile, "--at", at, tampered)

			// Another key under the same kid.
			var hdr struct {
				Kid string `json:"kid"`
			}
			h, _ := base64.RawURLEncoding.DecodeString(parts[0])
			_ = json.Unmarshal(h, &hdr)
			other, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				t.Fatal(err)
			}
			wrong, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &other.PublicKey, KeyID: hdr.Kid, Algorithm: "RS256", Use: "sig"}}})
			mustFail(credentials.ErrSignature, "--jwks", write("wrong.json", wrong), "--status", statusFile, "--at", at, credFile)

			// The key had expired before the credential was signed.
			var doc map[string][]map[string]any
			_ = json.Unmarshal(set, &doc)
			from, _ := time.Parse(time.RFC3339, payload.ValidFrom)
			for _, k := range doc["keys"] {
				if k["kid"] == hdr.Kid {
					k["exp"] = from.Add(-time.Hour).Unix()
				}
			}
			expired, _ := json.Marshal(doc)
			mustFail(credentials.ErrKeyExpired, "--jwks", write("expired.json", expired), "--status", statusFile, "--at", at, credFile)

			// Before its validFrom.
			mustFail(credentials.ErrDates, "--jwks", jwksFile, "--status", statusFile, "--at", from.Add(-time.Hour).Format(time.RFC3339), credFile)

			// Revoked: the list fetched after the revocation says so.
			e.RevokeCertificate(done.CertificateCode)
			mustFail(credentials.ErrRevoked, "--jwks", jwksFile, "--status", list(), "--at", at, credFile)
			mustFail(credentials.ErrRevoked, "--jwks", jwksFile, "--status", base+listPath, "--at", at, edFile)

			if _, err := check(credFile, "extra"); err == nil {
				t.Error("two files accepted")
			}
		})
	}
}
