-- Portable certificates (Open Badges 3.0). signing_keys holds the keys
-- generated when SKILLGRID_SIGNING_KEYS names none: every key stays listed
-- in the JWKS, the newest of its kind signs. status_lists are the W3C
-- Bitstring Status Lists; certificate_credentials gives a certificate its
-- place (a random index) in one of them and the salt of its identity hash.
-- A list's bit is the certificate's status itself, so revoking a
-- certificate sets its bit in the revocation's own transaction.
CREATE TABLE signing_keys (
    kid         TEXT PRIMARY KEY,
    alg         TEXT NOT NULL CHECK (alg IN ('RS256', 'EdDSA')),
    private_pem TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE TABLE status_lists (
    id         TEXT PRIMARY KEY,
    purpose    TEXT NOT NULL CHECK (purpose IN ('revocation')),
    size       INTEGER NOT NULL CHECK (size >= 131072 AND size % 8 = 0),
    created_at TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE TABLE certificate_credentials (
    certificate_id TEXT PRIMARY KEY REFERENCES certificates (id),
    list_id        TEXT NOT NULL REFERENCES status_lists (id),
    status_index   INTEGER NOT NULL CHECK (status_index >= 0),
    identity_salt  TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL
);
--bun:split
CREATE UNIQUE INDEX certificate_credentials_slot_key ON certificate_credentials (list_id, status_index);
