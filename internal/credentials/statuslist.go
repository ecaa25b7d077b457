package credentials

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
)

// ListSize is the length in bits of every status list: the W3C Bitstring
// Status List's minimum of 131,072 (16 KiB), so that one holder's index
// hides among many.
const ListSize = 131072

// ListFill is how many entries a list takes before a new one is opened: a
// quarter of its bits, so that a random draw lands on a free index at
// least three times in four, and a list never reveals, by being full,
// roughly when its certificates were issued.
const ListFill = ListSize / 4

// Bitstring is a status list's bits. Index 0 is the most significant bit
// of the first byte, as the specification lays them out.
type Bitstring []byte

// NewBitstring is size bits, all zero.
func NewBitstring(size int) Bitstring { return make(Bitstring, (size+7)/8) }

// Set turns bit i on.
func (b Bitstring) Set(i int) { b[i/8] |= 0x80 >> (i % 8) }

// Get reports bit i.
func (b Bitstring) Get(i int) bool { return b[i/8]&(0x80>>(i%8)) != 0 }

// Encode is the encodedList of a BitstringStatusList: the bits GZIP
// compressed, base64url without padding, with the multibase prefix 'u'
// that names that base.
func (b Bitstring) Encode() (string, error) {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := w.Write(b); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// maxListBytes bounds what DecodeBitstring inflates: a list of far more
// bits than anyone issues is refused rather than read into memory.
const maxListBytes = 16 << 20

// DecodeBitstring reads an encodedList, with or without the multibase
// prefix (the specification's earlier drafts had none).
func DecodeBitstring(s string) (Bitstring, error) {
	if len(s) > 0 && s[0] == 'u' {
		s = s[1:]
	}
	z, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("encodedList is not base64url: %w", err)
	}
	r, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, fmt.Errorf("encodedList is not GZIP: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(r, maxListBytes+1))
	if err != nil {
		return nil, fmt.Errorf("encodedList: %w", err)
	}
	if len(b) > maxListBytes {
		return nil, errors.New("encodedList is too long")
	}
	return Bitstring(b), nil
}

// randomIndex draws an index uniformly from [0, size).
func randomIndex(size int) (int, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(int64(size)))
	if err != nil {
		return 0, fmt.Errorf("draw a status index: %w", err)
	}
	return int(n.Int64()), nil
}
