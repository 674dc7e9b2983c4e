-- The slices of full-text search are whole UTC days: a GIN index over the
-- tsvector and the UTC day of created_at holds few keys per range (one per
-- day, not one per post), so reading a slice costs little, and plain
-- created_at conditions (--since/--until) stay with the btree index instead of
-- a GIN range scan over every post of the period.
CREATE INDEX "posts_search_vector_day_idx" ON "posts" USING GIN ("search_vector", ((("created_at" AT TIME ZONE 'UTC'))::date));

DROP INDEX IF EXISTS "posts_search_vector_created_at_idx";
