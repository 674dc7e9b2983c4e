-- The pushed streams (X's filtered stream or Activity API): one row per stream,
-- written by the instance that holds its lease, read by health, /metrics,
-- `stats` and every instance's scheduler (streamed accounts are polled less often).
CREATE TABLE "streams" (
    "name" TEXT NOT NULL,
    "channel" TEXT,
    "state" TEXT NOT NULL,
    "reason" TEXT,
    "holder" TEXT,
    "connected_at" TIMESTAMPTZ(3),
    "last_message_at" TIMESTAMPTZ(3),
    "newest_post_at" TIMESTAMPTZ(3),
    "covered_account_ids" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "uncovered" JSONB NOT NULL DEFAULT '[]',
    "reconnects" INTEGER NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "streams_pkey" PRIMARY KEY ("name")
);

-- Resources read from a stream per UTC day (posts and profile events: what X bills).
CREATE TABLE "stream_reads" (
    "stream" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "reads" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "stream_reads_pkey" PRIMARY KEY ("stream", "day")
);

-- Posts a poll read (timeline pages and re-check lookups): what X bills per post read.
ALTER TABLE "poll_runs" ADD COLUMN "posts_read" INTEGER NOT NULL DEFAULT 0;
