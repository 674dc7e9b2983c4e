-- Full-text search looks for the newest matches first, in the newest slice of
-- the archive (created_at >= a quantile). A GIN index over both the tsvector
-- and created_at answers both conditions in one index scan, so a phrase with
-- thousands of matches visits only the rows of the slice. It also serves
-- queries on search_vector alone, so it replaces the single-column index.
CREATE EXTENSION IF NOT EXISTS "btree_gin";

CREATE INDEX "posts_search_vector_created_at_idx" ON "posts" USING GIN ("search_vector", "created_at");

DROP INDEX IF EXISTS "posts_search_vector_idx";
