package credentials

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/uptrace/bun"

	"github.com/skillgrid/skillgrid/internal/apperr"
	"github.com/skillgrid/skillgrid/internal/audit"
	"github.com/skillgrid/skillgrid/internal/msg"
	"github.com/skillgrid/skillgrid/internal/platform/db"
	"github.com/skillgrid/skillgrid/internal/platform/ids"
	"github.com/skillgrid/skillgrid/internal/platform/ratelimit"
	"github.com/skillgrid/skillgrid/internal/results"
)

// MediaType is the media type of a credential secured as a JWT.
const MediaType = "application/vc+jwt"

// placeDraws bounds the random draws for a free index: a list is at most
// a quarter full, so 32 misses in a row (odds below 1 in 10^19) mean
// something is wrong, not unlucky.
const placeDraws = 32

// Service signs and publishes credentials.
type Service struct {
	db     *bun.DB
	store  Store
	fixed  []Key
	urls   URLs
	issuer Profile
	// lookups bounds the public look-ups of people's pages per client
	// address, sharing the certificate verifier's budget.
	lookups ratelimit.Limiter
	now     func() time.Time
}

// New is the service. fixed are the keys of SKILLGRID_SIGNING_KEYS; when
// there are none, keys are generated on first use and kept in the
// database, shared by every process on it.
func New(d *bun.DB, fixed []Key, base, name, email string, lookups ratelimit.Limiter, now func() time.Time) *Service {
	u := URLs{Base: base}
	return &Service{
		db: d, fixed: fixed, urls: u, now: now, lookups: lookups,
		issuer: Profile{ID: u.Issuer(), Type: []string{"Profile"}, Name: name, URL: base, Email: email},
	}
}

// Issuer is the issuer's Profile.
func (s *Service) Issuer() Profile { return s.issuer }

// Keys are every signing key: the configured ones, or those kept in the
// database (generated on first use).
func (s *Service) Keys(ctx context.Context) ([]Key, error) {
	if len(s.fixed) > 0 {
		return s.fixed, nil
	}
	rows, err := s.store.keys(ctx, s.db)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		if err := db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
			if err := s.store.lockKeys(ctx, tx); err != nil {
				return err
			}
			if rows, err = s.store.keys(ctx, tx); err != nil || len(rows) > 0 {
				return err
			}
			keys, err := generate(s.now())
			if err != nil {
				return err
			}
			for _, k := range keys {
				p, err := EncodePEM(k.Signer)
				if err != nil {
					return err
				}
				r := keyRow{KID: k.ID, Alg: k.Alg, PrivatePEM: string(p), CreatedAt: k.Created}
				if err := s.store.insertKey(ctx, tx, r); err != nil {
					return err
				}
				// The public half only: the audit trail never holds a secret.
				if err := audit.Record(ctx, tx, k.Created, audit.Change{
					Action: "signing_key.generated", Entity: "signing_key", EntityID: k.ID,
					After: map[string]any{"kid": k.ID, "alg": k.Alg},
				}); err != nil {
					return err
				}
				rows = append(rows, r)
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	keys := make([]Key, 0, len(rows))
	for _, r := range rows {
		ks, err := ParsePEM([]byte(r.PrivatePEM))
		if err != nil {
			return nil, fmt.Errorf("stored key %s: %w", r.KID, err)
		}
		k := ks[0]
		k.Created = r.CreatedAt
		keys = append(keys, k)
	}
	return keys, nil
}

// JWKS is the public key set, every key old and new.
func (s *Service) JWKS(ctx context.Context) (jose.JSONWebKeySet, error) {
	keys, err := s.Keys(ctx)
	if err != nil {
		return jose.JSONWebKeySet{}, err
	}
	return JWKS(keys), nil
}

// sign secures a credential as a compact JWS with the newest key of alg.
func (s *Service) sign(ctx context.Context, c Credential, alg string) (string, error) {
	keys, err := s.Keys(ctx)
	if err != nil {
		return "", err
	}
	k, ok := newest(keys, alg)
	if !ok {
		return "", apperr.Rule("no_signing_key", msg.NoSigningKey, "alg", alg)
	}
	return Sign(c, k)
}

// Sign secures c as a VC-JWT with k: the JOSE header names alg, the key's
// kid and typ JWT (Open Badges 3.0 allows only that typ).
func Sign(c Credential, k Key) (string, error) {
	t, err := TokenOf(c)
	if err != nil {
		return "", err
	}
	payload, err := json.Marshal(t)
	if err != nil {
		return "", fmt.Errorf("encode credential: %w", err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.SignatureAlgorithm(k.Alg), Key: jose.JSONWebKey{Key: k.Signer, KeyID: k.ID}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", fmt.Errorf("signer: %w", err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("sign credential: %w", err)
	}
	return jws.CompactSerialize()
}

// Facts reads a certificate's facts by its code (any form people type),
// giving it its status-list place and identity salt the first time.
func (s *Service) Facts(ctx context.Context, code string) (Facts, error) {
	canon, ok := results.NormaliseCode(code)
	if !ok {
		return Facts{}, apperr.NotFound(msg.NotFoundCertificate)
	}
	f, err := s.store.facts(ctx, s.db, canon)
	if err != nil || f.ListID != "" {
		return f, err
	}
	err = db.InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		if err := s.placeIn(ctx, tx, f.CertificateID); err != nil {
			return err
		}
		f, err = s.store.facts(ctx, tx, canon)
		return err
	})
	return f, err
}

// placeIn gives a certificate a random free index in a list with room,
// opening a new list when all are full, and a random identity salt.
// Random indices in large lists tell nothing of the order of issue.
func (s *Service) placeIn(ctx context.Context, tx bun.IDB, certID string) error {
	now := s.now()
	listID, size, ok, err := s.store.openList(ctx, tx)
	if err != nil {
		return err
	}
	if !ok {
		listID, size = ids.New(), ListSize
		if err := s.store.createList(ctx, tx, listID, size, now); err != nil {
			return err
		}
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return fmt.Errorf("identity salt: %w", err)
	}
	for range placeDraws {
		idx, err := randomIndex(size)
		if err != nil {
			return err
		}
		placed, err := s.store.place(ctx, tx, certID, listID, idx, base64.RawURLEncoding.EncodeToString(salt), now)
		if err != nil || placed {
			return err
		}
		// Either the index is taken or another request placed the
		// certificate meanwhile; in the second case the reread finds it.
		if f, err := s.placed(ctx, tx, certID); err != nil || f {
			return err
		}
	}
	return fmt.Errorf("place certificate: %d indices in a row were taken", placeDraws)
}

func (s *Service) placed(ctx context.Context, tx bun.IDB, certID string) (bool, error) {
	n, err := tx.NewSelect().Table("certificate_credentials").Where("certificate_id = ?", certID).Count(ctx)
	if err != nil {
		return false, fmt.Errorf("read certificate's place: %w", err)
	}
	return n > 0, nil
}

// Credential is the certificate's OpenBadgeCredential signed with alg.
func (s *Service) Credential(ctx context.Context, code, alg string) (string, error) {
	f, err := s.Facts(ctx, code)
	if err != nil {
		return "", err
	}
	return s.sign(ctx, Build(f, s.urls, s.issuer), alg)
}

// StatusList is the signed BitstringStatusListCredential of list id, as it
// stands now.
func (s *Service) StatusList(ctx context.Context, id string) (string, error) {
	if !ids.Valid(id) {
		return "", apperr.NotFound(msg.NotFoundStatusList)
	}
	l, err := s.store.list(ctx, s.db, id)
	if err != nil {
		return "", err
	}
	revoked, err := s.store.revokedIndices(ctx, s.db, id)
	if err != nil {
		return "", err
	}
	bits := NewBitstring(l.Size)
	for _, i := range revoked {
		bits.Set(i)
	}
	enc, err := bits.Encode()
	if err != nil {
		return "", fmt.Errorf("encode status list: %w", err)
	}
	return s.sign(ctx, StatusListCredential(l.ID, l.CreatedAt, enc, s.urls, s.issuer), RS256)
}
