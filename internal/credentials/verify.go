package credentials

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// KeySet is a JWKS as a verifier reads it: the keys, and when each stops
// being good for signing (a JWK's "exp" member, seconds since the epoch,
// which a key set may carry for a retired key).
type KeySet struct {
	Keys    jose.JSONWebKeySet
	Expires map[string]time.Time
}

// ParseKeySet reads a JWKS document.
func ParseKeySet(data []byte) (KeySet, error) {
	var ks KeySet
	if err := json.Unmarshal(data, &ks.Keys); err != nil {
		return ks, fmt.Errorf("the key set is not a JWKS: %w", err)
	}
	var raw struct {
		Keys []struct {
			Kid string   `json:"kid"`
			Exp *float64 `json:"exp"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return ks, fmt.Errorf("the key set is not a JWKS: %w", err)
	}
	ks.Expires = map[string]time.Time{}
	for _, k := range raw.Keys {
		if k.Exp != nil {
			ks.Expires[k.Kid] = time.Unix(int64(*k.Exp), 0).UTC()
		}
	}
	if len(ks.Keys.Keys) == 0 {
		return ks, errors.New("the key set has no keys")
	}
	return ks, nil
}

// Verified is a credential whose signature, claims and dates hold.
type Verified struct {
	Alg, KeyID string
	Credential Credential
	Status     *StatusEntry
	Payload    map[string]any
}

// The reasons a credential fails, for callers that tell them apart.
var (
	ErrSignature  = errors.New("the signature does not verify")
	ErrUnknownKey = errors.New("no key of the key set has the credential's kid")
	ErrKeyExpired = errors.New("the signing key had expired when the credential was signed")
	ErrClaims     = errors.New("the JWT claims do not mirror the credential")
	ErrDates      = errors.New("the credential is not valid at this time")
	ErrRevoked    = errors.New("the credential is revoked")
)

// VerifyJWT checks a VC-JWT as of at: its JOSE header (RS256 or EdDSA, a
// kid of the key set, typ JWT when present), its signature, that its
// registered claims mirror the credential (iss = issuer.id, jti = id, nbf
// = validFrom, exp = validUntil, sub = credentialSubject.id), that the key was not expired when it
// signed, and that at lies within the validity dates.
func VerifyJWT(token string, ks KeySet, at time.Time) (Verified, error) {
	var v Verified
	jws, err := jose.ParseSignedCompact(strings.TrimSpace(token), []jose.SignatureAlgorithm{jose.RS256, jose.EdDSA})
	if err != nil {
		return v, fmt.Errorf("%w: not a compact JWS signed RS256 or EdDSA: %v", ErrSignature, err)
	}
	h := jws.Signatures[0].Header
	v.Alg, v.KeyID = h.Algorithm, h.KeyID
	if typ, ok := h.ExtraHeaders[jose.HeaderType]; ok && typ != "JWT" {
		return v, fmt.Errorf("%w: typ %v, want JWT", ErrSignature, typ)
	}
	keys := ks.Keys.Key(h.KeyID)
	if len(keys) == 0 {
		return v, fmt.Errorf("%w (%q)", ErrUnknownKey, h.KeyID)
	}
	payload, err := jws.Verify(keys[0])
	if err != nil {
		return v, fmt.Errorf("%w with key %s: %v", ErrSignature, h.KeyID, err)
	}
	var t struct {
		Credential
		Claims
		Status json.RawMessage `json:"credentialStatus"`
	}
	if err := json.Unmarshal(payload, &t); err != nil {
		return v, fmt.Errorf("%w: the payload is not a credential: %v", ErrClaims, err)
	}
	_ = json.Unmarshal(payload, &v.Payload)
	v.Credential = t.Credential
	if !slices.Contains(t.Type, "VerifiableCredential") {
		return v, fmt.Errorf("%w: type %v is not a VerifiableCredential", ErrClaims, t.Type)
	}
	from, err := time.Parse(time.RFC3339, t.ValidFrom)
	switch {
	case t.Claims.Issuer == "" || t.Claims.Issuer != t.Credential.Issuer.ID:
		return v, fmt.Errorf("%w: iss %q, issuer.id %q", ErrClaims, t.Claims.Issuer, t.Credential.Issuer.ID)
	case t.Claims.ID != t.Credential.ID:
		return v, fmt.Errorf("%w: jti %q, id %q", ErrClaims, t.Claims.ID, t.Credential.ID)
	case err != nil || t.NotBefore != from.Unix():
		return v, fmt.Errorf("%w: nbf %d, validFrom %q", ErrClaims, t.NotBefore, t.ValidFrom)
	}
	if sub := subjectID(t.CredentialSubject); t.Claims.Subject != sub {
		return v, fmt.Errorf("%w: sub %q, credentialSubject.id %q", ErrClaims, t.Claims.Subject, sub)
	}
	var until time.Time
	if t.ValidUntil != "" {
		if until, err = time.Parse(time.RFC3339, t.ValidUntil); err != nil || t.Expires == nil || *t.Expires != until.Unix() {
			return v, fmt.Errorf("%w: exp %v, validUntil %q", ErrClaims, t.Expires, t.ValidUntil)
		}
	} else if t.Expires != nil {
		return v, fmt.Errorf("%w: exp with no validUntil", ErrClaims)
	}
	if exp, ok := ks.Expires[h.KeyID]; ok && !from.Before(exp) {
		return v, fmt.Errorf("%w (key %s expired %s, credential signed %s)", ErrKeyExpired, h.KeyID, exp.Format(time.RFC3339), t.ValidFrom)
	}
	if at.Before(from) {
		return v, fmt.Errorf("%w: valid from %s", ErrDates, t.ValidFrom)
	}
	if !until.IsZero() && !at.Before(until) {
		return v, fmt.Errorf("%w: expired %s", ErrDates, t.ValidUntil)
	}
	if len(t.Status) > 0 && string(t.Status) != "null" {
		var st StatusEntry
		if err := json.Unmarshal(t.Status, &st); err != nil {
			return v, fmt.Errorf("%w: credentialStatus: %v", ErrClaims, err)
		}
		v.Status = &st
	}
	return v, nil
}

// CheckStatus reads a credential's bit in its status list (a signed
// BitstringStatusListCredential of the same issuer, verified as of at) and
// answers ErrRevoked when it is set.
func CheckStatus(entry StatusEntry, issuer, listToken string, ks KeySet, at time.Time) error {
	if entry.Type != "BitstringStatusListEntry" {
		return fmt.Errorf("credentialStatus of type %q is not a BitstringStatusListEntry", entry.Type)
	}
	list, err := VerifyJWT(listToken, ks, at)
	if err != nil {
		return fmt.Errorf("status list: %w", err)
	}
	if list.Credential.Issuer.ID != issuer || list.Credential.ID != entry.StatusListCredential {
		return fmt.Errorf("status list %s of issuer %s is not %s of %s", list.Credential.ID, list.Credential.Issuer.ID, entry.StatusListCredential, issuer)
	}
	raw, _ := json.Marshal(list.Credential.CredentialSubject)
	var subject StatusListSubject
	if err := json.Unmarshal(raw, &subject); err != nil || subject.Type != "BitstringStatusList" {
		return fmt.Errorf("status list subject %s is not a BitstringStatusList", raw)
	}
	if subject.StatusPurpose != entry.StatusPurpose {
		return fmt.Errorf("status list purpose %q, entry %q", subject.StatusPurpose, entry.StatusPurpose)
	}
	bits, err := DecodeBitstring(subject.EncodedList)
	if err != nil {
		return err
	}
	i, err := strconv.Atoi(entry.StatusListIndex)
	if err != nil || i < 0 || i >= len(bits)*8 {
		return fmt.Errorf("statusListIndex %q is outside the list of %d bits", entry.StatusListIndex, len(bits)*8)
	}
	if bits.Get(i) {
		return ErrRevoked
	}
	return nil
}
