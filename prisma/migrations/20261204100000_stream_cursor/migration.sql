-- The event cursor of a stream that can replay (Bluesky Jetstream's time_us of
-- the last stored event), advanced in the transaction that stores the items it
-- carried: a reconnect resumes from it, minus a small overlap.
ALTER TABLE "streams" ADD COLUMN "cursor" BIGINT;
