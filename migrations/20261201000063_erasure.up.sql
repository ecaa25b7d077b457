-- When a user's personal data was erased (PIPA). The row stays, without
-- name, e-mail, phone or profile, so that the training record keeps its
-- statistics and certificates stay verifiable (the holder shows as erased).
ALTER TABLE users ADD COLUMN erased_at TIMESTAMPTZ;
