// Package seal encrypts the few secrets SkillGrid must keep for a moment
// to hand on later (a password-reset token waiting for its e-mail), so that
// a copy of the database alone does not reveal them.
package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
)

// Key is an AES-256 key derived from the server's secret for one purpose.
type Key [32]byte

// Derive makes the key of purpose from secret (HMAC-SHA256 as a KDF: the
// secret is already a random key of at least 32 bytes).
func Derive(secret []byte, purpose string) Key {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("skillgrid seal: " + purpose))
	var k Key
	copy(k[:], m.Sum(nil))
	return k
}

// Seal encrypts and authenticates plain (AES-256-GCM, random nonce).
func (k Key) Seal(plain string) (string, error) {
	g, err := k.gcm()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, g.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawStdEncoding.EncodeToString(g.Seal(nonce, nonce, []byte(plain), nil)), nil
}

// ErrOpen is a sealed text that is not this key's.
var ErrOpen = errors.New("seal: cannot open")

// Open decrypts what Seal made.
func (k Key) Open(sealed string) (string, error) {
	g, err := k.gcm()
	if err != nil {
		return "", err
	}
	b, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(b) < g.NonceSize() {
		return "", ErrOpen
	}
	plain, err := g.Open(nil, b[:g.NonceSize()], b[g.NonceSize():], nil)
	if err != nil {
		return "", ErrOpen
	}
	return string(plain), nil
}

func (k Key) gcm() (cipher.AEAD, error) {
	b, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}
