package httpapi_test

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/skillgrid/skillgrid/internal/config"
	"github.com/skillgrid/skillgrid/internal/credentials"
	"github.com/skillgrid/skillgrid/internal/testutil"
)

// publicKeys reads the JWKS with the standard library alone, so that the
// keys a test verifies with owe nothing to the signing library.
func publicKeys(t *testing.T, e *testutil.Env) map[string]crypto.PublicKey {
	t.Helper()
	res := e.Get("/.well-known/jwks.json", "").Want(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/jwk-set+json") {
		t.Fatalf("JWKS content type %q", ct)
	}
	var set struct {
		Keys []struct {
			Kty, Kid, Alg, Use, N, E, Crv, X string
		} `json:"keys"`
	}
	res.JSON(t, &set)
	b64 := func(s string) []byte {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			t.Fatalf("JWK member %q: %v", s, err)
		}
		return b
	}
	out := map[string]crypto.PublicKey{}
	for _, k := range set.Keys {
		if k.Use != "sig" || k.Kid == "" {
			t.Fatalf("JWK %+v", k)
		}
		switch {
		case k.Kty == "RSA" && k.Alg == "RS256":
			out[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(b64(k.N)), E: int(new(big.Int).SetBytes(b64(k.E)).Int64())}
		case k.Kty == "OKP" && k.Crv == "Ed25519" && k.Alg == "EdDSA":
			out[k.Kid] = ed25519.PublicKey(b64(k.X))
		default:
			t.Fatalf("unexpected JWK %+v", k)
		}
	}
	return out
}

// verifyIndependently checks a VC-JWT with golang-jwt (not the library
// that signed it) against the published keys, and returns its header and
// payload.
func verifyIndependently(t *testing.T, e *testutil.Env, token, alg string, keys map[string]crypto.PublicKey) (map[string]any, jwt.MapClaims, error) {
	t.Helper()
	claims := jwt.MapClaims{}
	parsed, err := jwt.ParseWithClaims(token, claims, func(tk *jwt.Token) (any, error) {
		kid, _ := tk.Header["kid"].(string)
		k, ok := keys[kid]
		if !ok {
			t.Fatalf("kid %q is not in the JWKS", kid)
		}
		return k, nil
	}, jwt.WithValidMethods([]string{alg}), jwt.WithTimeFunc(e.Clock.Now))
	if err != nil {
		return nil, nil, err
	}
	return parsed.Header, claims, nil
}

func fetchCredential(t *testing.T, e *testutil.Env, code, query string) string {
	t.Helper()
	res := e.Get("/v1/certificates/"+code+"/credential"+query, "").Want(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != credentials.MediaType {
		t.Fatalf("credential content type %q", ct)
	}
	return string(res.Body)
}

// tamper changes one byte of the payload.
func tamper(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	p, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(p), `"value":"`) + len(`"value":"`)
	p[i]++ // one digit of the score
	parts[1] = base64.RawURLEncoding.EncodeToString(p)
	return strings.Join(parts, ".")
}

func TestCredentialVerifiesWithAnIndependentLibrary(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c, us, vs := startedCohort(t, e, 2, testutil.CohortSpec{})
		out := record(t, e, c.ID, c.Instructor.Token, row(vs[0].ID, 36.5, 87.25), row(vs[1].ID, 40, 60))
		code, code2 := *out[0].CertificateCode, *out[1].CertificateCode
		keys := publicKeys(t, e)
		if len(keys) != 2 {
			t.Fatalf("generated keys: %d, want an RSA and an Ed25519 key", len(keys))
		}
		token := fetchCredential(t, e, code, "")
		header, claims, err := verifyIndependently(t, e, token, "RS256", keys)
		if err != nil {
			t.Fatalf("RS256 credential does not verify: %v", err)
		}
		if header["typ"] != "JWT" || header["alg"] != "RS256" {
			t.Errorf("JOSE header %v", header)
		}
		var cred struct {
			Context   []string `json:"@context"`
			ID        string   `json:"id"`
			Type      []string `json:"type"`
			Issuer    struct{ ID, Name, URL string }
			ValidFrom string `json:"validFrom"`
			Subject   struct {
				Type       []string `json:"type"`
				Identifier []struct {
					Type, IdentityHash, IdentityType, Salt string
					Hashed                                 bool
				} `json:"identifier"`
				Achievement struct {
					ID, Name string
					Criteria struct{ Narrative string }
				} `json:"achievement"`
				Result []struct {
					ResultDescription string `json:"resultDescription"`
					Value             string `json:"value"`
				} `json:"result"`
			} `json:"credentialSubject"`
			Status struct {
				Type, StatusPurpose, StatusListIndex, StatusListCredential string
			} `json:"credentialStatus"`
		}
		raw, _ := json.Marshal(claims)
		if err := json.Unmarshal(raw, &cred); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(strings.Join(cred.Type, ","), "OpenBadgeCredential") || cred.Context[0] != credentials.ContextVC || cred.Context[1] != credentials.ContextOB {
			t.Errorf("type %v, context %v", cred.Type, cred.Context)
		}
		// The registered claims mirror the credential.
		if claims["iss"] != cred.Issuer.ID || claims["jti"] != cred.ID || cred.Issuer.ID != config.DefaultIssuerURL+"/v1/issuer" {
			t.Errorf("iss %v jti %v; issuer %v id %v", claims["iss"], claims["jti"], cred.Issuer.ID, cred.ID)
		}
		from, err := time.Parse(time.RFC3339, cred.ValidFrom)
		if err != nil || claims["nbf"] != float64(from.Unix()) {
			t.Errorf("nbf %v, validFrom %q", claims["nbf"], cred.ValidFrom)
		}
		if subj := claims["credentialSubject"].(map[string]any); claims["sub"] == nil || claims["sub"] != subj["id"] || !strings.HasPrefix(claims["sub"].(string), "urn:uuid:") {
			t.Errorf("sub %v, credentialSubject.id %v", claims["sub"], subj["id"])
		}
		if _, has := claims["exp"]; has {
			t.Errorf("a certificate with no validUntil has exp %v", claims["exp"])
		}
		// The holder is a salted hash of the e-mail.
		id := cred.Subject.Identifier[0]
		sum := sha256.Sum256([]byte(strings.ToLower(us[0].Email) + id.Salt))
		if !id.Hashed || id.Type != "IdentityObject" || id.IdentityType != "emailAddress" || id.Salt == "" || id.IdentityHash != "sha256$"+hex.EncodeToString(sum[:]) {
			t.Errorf("identifier %+v", id)
		}
		if strings.Contains(string(raw), us[0].Email) {
			t.Error("the credential shows the e-mail")
		}
		// Criteria and results.
		n := cred.Subject.Achievement.Criteria.Narrative
		for _, want := range []string{"40-hour", "80%", "32 h", "at least 60", "40시간", "60점"} {
			if !strings.Contains(n, want) {
				t.Errorf("narrative lacks %q: %s", want, n)
			}
		}
		got := map[string]string{}
		for _, r := range cred.Subject.Result {
			got[strings.TrimPrefix(r.ResultDescription, cred.Subject.Achievement.ID)] = r.Value
		}
		if got["#score"] != "87.25" || got["#attended-hours"] != "36.5" {
			t.Errorf("results %v", got)
		}
		if cred.Status.Type != "BitstringStatusListEntry" || cred.Status.StatusPurpose != "revocation" || cred.Status.StatusListCredential == "" {
			t.Errorf("credentialStatus %+v", cred.Status)
		}
		// Fetched again: the same place and salt.
		_, again, err := verifyIndependently(t, e, fetchCredential(t, e, code, ""), "RS256", keys)
		if err != nil {
			t.Fatal(err)
		}
		rawAgain, _ := json.Marshal(again)
		if string(rawAgain) != string(raw) {
			t.Errorf("a second fetch states other facts:\n%s\n%s", raw, rawAgain)
		}
		// The achievement is the course: one id for both graduates.
		_, other, err := verifyIndependently(t, e, fetchCredential(t, e, code2, ""), "RS256", keys)
		if err != nil {
			t.Fatal(err)
		}
		ach := other["credentialSubject"].(map[string]any)["achievement"].(map[string]any)
		if ach["id"] != cred.Subject.Achievement.ID || ach["id"] != config.DefaultIssuerURL+"/v1/courses/"+c.CourseID {
			t.Errorf("achievement ids %v and %v", ach["id"], cred.Subject.Achievement.ID)
		}

		// Ed25519 on request.
		ed := fetchCredential(t, e, code, "?alg=Ed25519")
		if header, _, err := verifyIndependently(t, e, ed, "EdDSA", keys); err != nil || header["alg"] != "EdDSA" {
			t.Fatalf("Ed25519 credential: %v %v", header, err)
		}
		// One changed byte, and neither verifies.
		if _, _, err := verifyIndependently(t, e, tamper(t, token), "RS256", keys); err == nil {
			t.Error("a tampered RS256 credential verifies")
		}
		if _, _, err := verifyIndependently(t, e, tamper(t, ed), "EdDSA", keys); err == nil {
			t.Error("a tampered Ed25519 credential verifies")
		}

		e.Get("/v1/certificates/"+code+"/credential?alg=HS256", "").WantProblem(t, http.StatusUnprocessableEntity, "validation_failed")
		e.Get("/v1/certificates/SG-0000-0000-0000-0000/credential", "").WantProblem(t, http.StatusNotFound, "not_found")
		e.Get("/v1/certificates/nonsense/credential", "").WantProblem(t, http.StatusNotFound, "not_found")
	})
}

// statusBit fetches the credential's status list, checks its signature
// independently and reads the credential's bit.
func statusBit(t *testing.T, e *testutil.Env, keys map[string]crypto.PublicKey, listURL string, index int) bool {
	t.Helper()
	path := strings.TrimPrefix(listURL, config.DefaultIssuerURL)
	res := e.Get(path, "").Want(t, http.StatusOK)
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("status list Cache-Control %q", res.Header.Get("Cache-Control"))
	}
	_, claims, err := verifyIndependently(t, e, string(res.Body), "RS256", keys)
	if err != nil {
		t.Fatalf("status list does not verify: %v", err)
	}
	if claims["jti"] != listURL || claims["id"] != listURL {
		t.Errorf("status list ids %v %v, want %s", claims["jti"], claims["id"], listURL)
	}
	subject := claims["credentialSubject"].(map[string]any)
	if subject["type"] != "BitstringStatusList" || subject["statusPurpose"] != "revocation" || claims["sub"] != listURL+"#list" || subject["id"] != listURL+"#list" {
		t.Errorf("status list subject %v", subject)
	}
	enc := subject["encodedList"].(string)
	if !strings.HasPrefix(enc, "u") {
		t.Fatalf("encodedList %q has no multibase prefix", enc[:8])
	}
	bits, err := credentials.DecodeBitstring(enc)
	if err != nil {
		t.Fatal(err)
	}
	if len(bits)*8 != credentials.ListSize {
		t.Fatalf("list of %d bits", len(bits)*8)
	}
	return bits.Get(index)
}

func TestRevocationSetsTheStatusBitAtOnce(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		c, _, vs := startedCohort(t, e, 2, testutil.CohortSpec{})
		out := record(t, e, c.ID, c.Instructor.Token, row(vs[0].ID, 40, 90), row(vs[1].ID, 40, 90))
		keys := publicKeys(t, e)
		entry := func(code string) (string, int) {
			_, claims, err := verifyIndependently(t, e, fetchCredential(t, e, code, ""), "RS256", keys)
			if err != nil {
				t.Fatal(err)
			}
			st := claims["credentialStatus"].(map[string]any)
			i, err := strconv.Atoi(st["statusListIndex"].(string))
			if err != nil || st["id"] != st["statusListCredential"].(string)+"#"+st["statusListIndex"].(string) {
				t.Fatalf("credentialStatus %v", st)
			}
			return st["statusListCredential"].(string), i
		}
		list, i := entry(*out[0].CertificateCode)
		list2, j := entry(*out[1].CertificateCode)
		if list != list2 || i == j {
			t.Fatalf("two certificates at %s#%d and %s#%d", list, i, list2, j)
		}
		// Indices are drawn at random from 131,072, not handed out in
		// order from 0. The first two certificates of a list both landing
		// in its first 16 bits has odds of 1 in 67 million; both under
		// 1,024 (1 in 16,384) did happen once in CI.
		if i < 16 && j < 16 {
			t.Errorf("indices %d and %d look handed out in order", i, j)
		}
		if statusBit(t, e, keys, list, i) || statusBit(t, e, keys, list, j) {
			t.Fatal("a valid certificate's bit is set")
		}
		e.Post("/v1/certificates/"+*out[0].CertificateCode+"/revoke", e.AdminToken(), map[string]any{"reason": "위조 (forged)"}).Want(t, http.StatusOK)
		if !statusBit(t, e, keys, list, i) {
			t.Error("the revoked certificate's bit is not set")
		}
		if statusBit(t, e, keys, list, j) {
			t.Error("the other certificate's bit is set")
		}
		e.Get("/v1/status-lists/00000000-0000-7000-8000-000000000000", "").WantProblem(t, http.StatusNotFound, "not_found")
		e.Get("/v1/status-lists/nope", "").WantProblem(t, http.StatusNotFound, "not_found")
	})
}

// pemKeys writes private keys as SKILLGRID_SIGNING_KEYS holds them.
func pemKeys(t *testing.T, signers ...crypto.Signer) []credentials.Key {
	t.Helper()
	var file []byte
	for _, s := range signers {
		p, err := credentials.EncodePEM(s)
		if err != nil {
			t.Fatal(err)
		}
		file = append(file, p...)
	}
	keys, err := credentials.ParsePEM(file)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestConfiguredKeysNewestSignsAllPublished(t *testing.T) {
	t.Parallel()
	old, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	cur, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keys := pemKeys(t, old, cur)
	for _, d := range testutil.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := testutil.New(t, d, func(c *config.Config) {
				c.SigningKeys = keys
				c.IssuerName, c.IssuerURL, c.IssuerEmail = "시 인력양성 사업단", "https://skills.example.kr", "skills@example.kr"
			})
			pub := publicKeys(t, e)
			if len(pub) != 2 || pub[keys[0].ID] == nil || pub[keys[1].ID] == nil {
				t.Fatalf("JWKS %v, want both configured keys", pub)
			}
			c, _, vs := startedCohort(t, e, 1, testutil.CohortSpec{})
			code := *record(t, e, c.ID, c.Instructor.Token, row(vs[0].ID, 40, 90))[0].CertificateCode
			token := fetchCredential(t, e, code, "")
			header, claims, err := verifyIndependently(t, e, token, "RS256", pub)
			if err != nil || header["kid"] != keys[1].ID {
				t.Fatalf("signed by %v (%v), want the newest key %s", header["kid"], err, keys[1].ID)
			}
			if claims["iss"] != "https://skills.example.kr/v1/issuer" {
				t.Errorf("iss %v", claims["iss"])
			}
			// No Ed25519 key configured: asking for one is refused.
			e.Get("/v1/certificates/"+code+"/credential?alg=Ed25519", "").WantProblem(t, http.StatusUnprocessableEntity, "no_signing_key")
			var p map[string]any
			e.Get("/v1/issuer", "").Want(t, http.StatusOK).JSON(t, &p)
			if p["id"] != "https://skills.example.kr/v1/issuer" || p["name"] != "시 인력양성 사업단" || p["url"] != "https://skills.example.kr" || p["email"] != "skills@example.kr" {
				t.Errorf("issuer %v", p)
			}
		})
	}
}

func TestGeneratedKeysAreSharedThroughTheDatabase(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, e *testutil.Env) {
		first := publicKeys(t, e)
		second := publicKeys(t, testutil.NewOn(t, e.Dialect, e.DSN))
		if len(first) != 2 || len(second) != 2 {
			t.Fatalf("keys %d and %d", len(first), len(second))
		}
		for kid := range first {
			if second[kid] == nil {
				t.Errorf("another process on the database does not publish %s", kid)
			}
			if n := countRows(t, e, "audit_events", "action = ? AND entity_id = ?", "signing_key.generated", kid); n != 1 {
				t.Errorf("key %s generated with %d audit events", kid, n)
			}
		}
	})
}
