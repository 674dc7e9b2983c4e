-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "btree_gin";

-- Full-text search looks for the newest matches first, in the newest slice of
-- the archive (a range of UTC days), or within one account. One GIN index over
-- the tsvector, the UTC day of created_at and the account (btree_gin) answers
-- each of these in a single index scan: a GIN index costs nothing for a column
-- a query leaves unconstrained, so a search takes from it the conditions it has
-- (words; words and slice; words and account). Separate indexes let the
-- planner, which underestimates how many posts a phrase matches, pick one and
-- filter the other condition on every post with the phrase. It also serves
-- queries on search_vector alone, so it replaces the single-column index.
CREATE INDEX IF NOT EXISTS "posts_search_vector_day_account_idx" ON "posts" USING GIN ("search_vector", ((("created_at" AT TIME ZONE 'UTC'))::date), "account_id");

DROP INDEX IF EXISTS "posts_search_vector_idx";
