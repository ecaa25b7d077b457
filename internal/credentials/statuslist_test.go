package credentials

import (
	"bytes"
	"compress/gzip"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"io"
	"testing"
)

func TestBitstringIndexZeroIsTheFirstBytesHighBit(t *testing.T) {
	t.Parallel()
	b := NewBitstring(ListSize)
	b.Set(0)
	b.Set(9)
	b.Set(ListSize - 1)
	if b[0] != 0x80 || b[1] != 0x40 || b[len(b)-1] != 0x01 {
		t.Fatalf("bytes %08b %08b … %08b", b[0], b[1], b[len(b)-1])
	}
	enc, err := b.Encode()
	if err != nil {
		t.Fatal(err)
	}
	// The encoding by hand: 'u', then base64url without padding of GZIP.
	if enc[0] != 'u' {
		t.Fatalf("no multibase prefix: %q", enc[:4])
	}
	z, err := base64.RawURLEncoding.DecodeString(enc[1:])
	if err != nil {
		t.Fatal(err)
	}
	r, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw, b) || len(raw)*8 != 131072 {
		t.Fatalf("decoded %d bytes", len(raw))
	}
	back, err := DecodeBitstring(enc)
	if err != nil || !back.Get(0) || back.Get(1) || !back.Get(9) || !back.Get(ListSize-1) {
		t.Fatalf("round trip: %v", err)
	}
}

func TestParsePEMRefusesWhatCannotSign(t *testing.T) {
	t.Parallel()
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]crypto.Signer{"short RSA": small, "ECDSA": ec} {
		p, err := EncodePEM(s)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParsePEM(p); err == nil {
			t.Errorf("%s key accepted", name)
		}
	}
	if _, err := ParsePEM([]byte("not a PEM")); err == nil {
		t.Error("an empty key file accepted")
	}
	if _, err := ParsePEM([]byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")); err == nil {
		t.Error("a public key accepted")
	}
}
