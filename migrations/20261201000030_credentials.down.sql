DROP TABLE certificate_credentials;
--bun:split
DROP TABLE status_lists;
--bun:split
DROP TABLE signing_keys;
