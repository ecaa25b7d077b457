package credentials

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// The JOSE algorithms credentials are signed with: RS256, the one Open
// Badges 3.0 requires every verifier to support, and EdDSA (RFC 8037) with
// an Ed25519 key where asked for.
const (
	RS256 = "RS256"
	EdDSA = "EdDSA"
)

// MinRSABits is the smallest RSA modulus accepted for signing.
const MinRSABits = 2048

// Key is one private signing key with its JWK key id (the RFC 7638
// thumbprint of its public key) and the algorithm it signs with.
type Key struct {
	ID      string
	Alg     string
	Signer  crypto.Signer
	Created time.Time
}

// Public is the key's public JWK, as the JWKS lists it.
func (k Key) Public() jose.JSONWebKey {
	return jose.JSONWebKey{Key: k.Signer.Public(), KeyID: k.ID, Algorithm: k.Alg, Use: "sig"}
}

// NewKey wraps a private key: RSA (at least MinRSABits) signs RS256,
// Ed25519 signs EdDSA; anything else is refused.
func NewKey(s crypto.Signer, created time.Time) (Key, error) {
	k := Key{Signer: s, Created: created}
	switch p := s.(type) {
	case *rsa.PrivateKey:
		if p.N.BitLen() < MinRSABits {
			return k, fmt.Errorf("an RSA key of %d bits is too short: at least %d", p.N.BitLen(), MinRSABits)
		}
		k.Alg = RS256
	case ed25519.PrivateKey:
		k.Alg = EdDSA
	default:
		return k, fmt.Errorf("a %T key cannot sign credentials: use RSA or Ed25519", s)
	}
	tp, err := (&jose.JSONWebKey{Key: s.Public()}).Thumbprint(crypto.SHA256)
	if err != nil {
		return k, fmt.Errorf("key thumbprint: %w", err)
	}
	k.ID = base64.RawURLEncoding.EncodeToString(tp)
	return k, nil
}

// ParsePEM reads every private key of a PEM file (PKCS #8, or PKCS #1 for
// RSA), in the order written: the file lists its keys oldest first, so the
// last key of each kind signs. Blocks that are not private keys
// (certificates, public keys) are refused rather than skipped, so a wrong
// file says so.
func ParsePEM(data []byte) ([]Key, error) {
	var keys []Key
	// Keys from a file have no creation time of their own: their order in
	// the file gives them one, a second apart, so that "newest" means last.
	base := time.Unix(0, 0).UTC()
	for n := 0; ; n++ {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		var raw any
		var err error
		switch b.Type {
		case "PRIVATE KEY":
			raw, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		case "RSA PRIVATE KEY":
			raw, err = x509.ParsePKCS1PrivateKey(b.Bytes)
		default:
			return nil, fmt.Errorf("PEM block %d is a %q, not a private key (PKCS #8 or RSA)", n+1, b.Type)
		}
		if err != nil {
			return nil, fmt.Errorf("PEM block %d: %w", n+1, err)
		}
		s, ok := raw.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("PEM block %d: a %T cannot sign", n+1, raw)
		}
		k, err := NewKey(s, base.Add(time.Duration(n)*time.Second))
		if err != nil {
			return nil, fmt.Errorf("PEM block %d: %w", n+1, err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("no PEM private key in the file")
	}
	return keys, nil
}

// EncodePEM writes a private key as a PKCS #8 PEM block.
func EncodePEM(s crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(s)
	if err != nil {
		return nil, fmt.Errorf("encode key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// generate makes one key of each kind, as a server without
// SKILLGRID_SIGNING_KEYS keeps in its database.
func generate(now time.Time) ([]Key, error) {
	r, err := rsa.GenerateKey(rand.Reader, MinRSABits)
	if err != nil {
		return nil, fmt.Errorf("generate RSA key: %w", err)
	}
	_, e, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate Ed25519 key: %w", err)
	}
	var out []Key
	for _, s := range []crypto.Signer{r, e} {
		k, err := NewKey(s, now)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}

// newest is the latest key signing with alg, or false when there is none.
func newest(keys []Key, alg string) (Key, bool) {
	var best Key
	found := false
	for _, k := range keys {
		if k.Alg == alg && (!found || !k.Created.Before(best.Created)) {
			best, found = k, true
		}
	}
	return best, found
}

// JWKS is the public key set of keys.
func JWKS(keys []Key) jose.JSONWebKeySet {
	set := jose.JSONWebKeySet{Keys: make([]jose.JSONWebKey, 0, len(keys))}
	for _, k := range keys {
		set.Keys = append(set.Keys, k.Public())
	}
	return set
}
