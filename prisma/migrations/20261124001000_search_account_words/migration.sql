-- Full-text search restricted to accounts: a GIN index over the account and
-- the tsvector (btree_gin) answers both conditions in one index scan, so a
-- phrase in one account visits only that account's matches. Without it the
-- planner (which underestimates how many posts a phrase matches) fetched every
-- post containing the phrase and dropped the other accounts' posts afterwards.
CREATE EXTENSION IF NOT EXISTS "btree_gin";

CREATE INDEX "posts_account_id_search_vector_idx" ON "posts" USING GIN ("account_id", "search_vector");
