-- Posts as their readers saw them: cashtags, every media key (also those whose
-- details X did not include), the post a repost reposts, where X withholds the
-- post, its poll (counts at capture time) and its place or coordinates.
ALTER TABLE "posts" ADD COLUMN "cashtags" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "posts" ADD COLUMN "media_keys" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
ALTER TABLE "posts" ADD COLUMN "repost_of" TEXT;
ALTER TABLE "posts" ADD COLUMN "withheld" JSONB;
ALTER TABLE "posts" ADD COLUMN "poll" JSONB;
ALTER TABLE "posts" ADD COLUMN "geo" JSONB;

-- Posts archived before keep their media keys: those of the media they show.
UPDATE "posts" SET "media_keys" = ARRAY(SELECT m->>'key' FROM jsonb_array_elements("media") AS m)
WHERE jsonb_typeof("media") = 'array' AND jsonb_array_length("media") > 0;
