-- Raw bodies keep their exact content. A body PostgreSQL cannot store as text
-- (a NUL character, a lone UTF-16 surrogate) is kept as base64 of its bytes,
-- and body_encoding says how to read it back: text | base64 (UTF-8 bytes) |
-- base64-utf16le (UTF-16LE code units, for lone surrogates). sha256 is over
-- the bytes either way.
ALTER TABLE "captures" ADD COLUMN "body_encoding" TEXT NOT NULL DEFAULT 'text';
ALTER TABLE "article_snapshots" ADD COLUMN "body_encoding" TEXT NOT NULL DEFAULT 'text';
