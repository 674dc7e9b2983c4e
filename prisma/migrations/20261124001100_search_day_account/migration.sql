-- One GIN index over the tsvector, the UTC day of created_at and the account
-- (btree_gin) replaces the (tsvector, day) and (account, tsvector) indexes. A
-- GIN index costs nothing for a column a query leaves unconstrained, so each
-- search takes from it the conditions it has (words; words and slice; words
-- and account). With two indexes the planner, which underestimates how many
-- posts a phrase matches, took the smaller (account, tsvector) one for a phrase
-- in a slice and filtered the slice on every post with the phrase.
CREATE INDEX "posts_search_vector_day_account_idx" ON "posts" USING GIN ("search_vector", ((("created_at" AT TIME ZONE 'UTC'))::date), "account_id");

DROP INDEX IF EXISTS "posts_search_vector_day_idx";
DROP INDEX IF EXISTS "posts_account_id_search_vector_idx";
