-- Raw payloads are compressed with lz4 where the server has it: several
-- times faster to write than PostgreSQL's default (pglz), for a size close to
-- it, which matters to imports that keep every line of a large file. Payloads
-- already stored keep their compression until rewritten. A server built
-- without lz4 (the embedded one) keeps pglz.
DO $$
BEGIN
  ALTER TABLE "captures" ALTER COLUMN "body" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 compression is not available on this server: raw payloads stay compressed with pglz';
END
$$;
