package auth_test

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/skillgrid/skillgrid/internal/auth"
)

func TestHasherWritesArgon2idPHCAndReadsBcrypt(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h, err := auth.NewHasher(auth.HashOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hash, err := h.Hash(ctx, "battery-2026!")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v=19" || parts[3] != "m=7168,t=5,p=1" {
		t.Fatalf("hash %q is not argon2id with the default parameters", hash)
	}
	if again, _ := h.Hash(ctx, "battery-2026!"); again == hash {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	for pw, want := range map[string]bool{"battery-2026!": true, "battery-2026?": false, "": false} {
		if got, err := h.Check(ctx, hash, pw); err != nil || got != want {
			t.Fatalf("Check(%q) = %v, %v; want %v", pw, got, err, want)
		}
	}
	if h.NeedsRehash(hash) {
		t.Fatal("a current hash needs rehashing")
	}
	old, _ := bcrypt.GenerateFromPassword([]byte("battery-2026!"), bcrypt.MinCost)
	if ok, err := h.Check(ctx, string(old), "battery-2026!"); err != nil || !ok {
		t.Fatalf("bcrypt hash no longer verifies: %v, %v", ok, err)
	}
	if !h.NeedsRehash(string(old)) {
		t.Fatal("a bcrypt hash does not need rehashing")
	}
	weaker := strings.Replace(hash, "t=5", "t=1", 1)
	if !h.NeedsRehash(weaker) {
		t.Fatal("a hash with other parameters does not need rehashing")
	}
	if _, err := h.Check(ctx, "$argon2id$v=19$m=9216$garbage", "battery-2026!"); err == nil {
		t.Fatal("a malformed stored hash checked without error")
	}
}
