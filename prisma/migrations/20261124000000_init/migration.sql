-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "unaccent";

-- unaccent() is STABLE; a generated column needs an IMMUTABLE expression.
-- Pinning the dictionary makes the wrapper safe to declare IMMUTABLE.
CREATE OR REPLACE FUNCTION onrecord_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

-- CreateTable
CREATE TABLE "accounts" (
    "id" SERIAL NOT NULL,
    "platform" TEXT NOT NULL,
    "platform_user_id" TEXT,
    "handle" TEXT NOT NULL,
    "display_name" TEXT,
    "status" TEXT NOT NULL DEFAULT 'active',
    "status_detail" TEXT,
    "poll_interval_ms" INTEGER NOT NULL DEFAULT 300000,
    "backfilled_at" TIMESTAMPTZ(3),
    "last_polled_at" TIMESTAMPTZ(3),
    "last_success_at" TIMESTAMPTZ(3),
    "last_post_at" TIMESTAMPTZ(3),
    "last_error_code" TEXT,
    "last_error" TEXT,
    "last_error_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "account_handles" (
    "id" SERIAL NOT NULL,
    "account_id" INTEGER NOT NULL,
    "handle" TEXT NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "account_handles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cursors" (
    "account_id" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cursors_pkey" PRIMARY KEY ("account_id","source")
);

-- CreateTable
CREATE TABLE "leases" (
    "account_id" INTEGER NOT NULL,
    "owner" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "leases_pkey" PRIMARY KEY ("account_id")
);

-- CreateTable
CREATE TABLE "poll_runs" (
    "id" SERIAL NOT NULL,
    "account_id" INTEGER NOT NULL,
    "trigger" TEXT NOT NULL DEFAULT 'schedule',
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "outcome" TEXT NOT NULL DEFAULT 'running',
    "requests" INTEGER NOT NULL DEFAULT 0,
    "posts_new" INTEGER NOT NULL DEFAULT 0,
    "versions_new" INTEGER NOT NULL DEFAULT 0,
    "error_code" TEXT,
    "error_message" TEXT,

    CONSTRAINT "poll_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "captures" (
    "id" SERIAL NOT NULL,
    "platform" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "account_id" INTEGER,
    "request_url" TEXT,
    "http_status" INTEGER,
    "content_type" TEXT,
    "body" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "captured_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "captures_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ingest_problems" (
    "id" SERIAL NOT NULL,
    "capture_id" INTEGER,
    "account_id" INTEGER,
    "platform_id" TEXT,
    "code" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ingest_problems_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "posts" (
    "id" SERIAL NOT NULL,
    "platform" TEXT NOT NULL,
    "platform_id" TEXT NOT NULL,
    "account_id" INTEGER,
    "author_platform_id" TEXT,
    "edit_ids" TEXT[],
    "text" TEXT NOT NULL,
    "lang" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "conversation_id" TEXT,
    "in_reply_to_user_id" TEXT,
    "referenced_posts" JSONB NOT NULL DEFAULT '[]',
    "urls" TEXT[],
    "mentions" TEXT[],
    "hashtags" TEXT[],
    "media" JSONB NOT NULL DEFAULT '[]',
    "status" TEXT NOT NULL DEFAULT 'available',
    "status_detail" TEXT,
    "status_changed_at" TIMESTAMPTZ(3),
    "first_seen_by" TEXT NOT NULL DEFAULT 'poll',
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "version_count" INTEGER NOT NULL DEFAULT 1,
    "search_vector" tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, onrecord_unaccent("text")), 'A')
        || setweight(to_tsvector('simple'::regconfig, onrecord_unaccent("text")), 'B')
    ) STORED,

    CONSTRAINT "posts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "post_versions" (
    "id" SERIAL NOT NULL,
    "post_id" INTEGER NOT NULL,
    "platform" TEXT NOT NULL,
    "version_id" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "content_sha256" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "capture_id" INTEGER,
    "captured_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "post_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "articles" (
    "id" SERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "url" TEXT,
    "canonical_url" TEXT,
    "title" TEXT,
    "byline" TEXT,
    "site_name" TEXT,
    "published_at" TIMESTAMPTZ(3),
    "text" TEXT NOT NULL,
    "content_sha256" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "articles_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "article_snapshots" (
    "id" SERIAL NOT NULL,
    "article_id" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "content_type" TEXT,
    "body" TEXT NOT NULL,
    "fetched_from" TEXT,
    "captured_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "article_snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "article_references" (
    "id" SERIAL NOT NULL,
    "article_id" INTEGER NOT NULL,
    "post_id" INTEGER,
    "fingerprint" TEXT NOT NULL,
    "platform" TEXT NOT NULL DEFAULT 'x',
    "cited_platform_id" TEXT,
    "cited_handle" TEXT,
    "cited_date" TEXT,
    "kind" TEXT NOT NULL,
    "confidence" DOUBLE PRECISION NOT NULL,
    "evidence" JSONB NOT NULL,
    "witnessed_text" TEXT,
    "differs_from_archive" BOOLEAN NOT NULL DEFAULT false,
    "status" TEXT NOT NULL DEFAULT 'unresolved',
    "resolved_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "article_references_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_rules" (
    "id" SERIAL NOT NULL,
    "channel" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "secret" TEXT,
    "accounts" TEXT[],
    "keywords" TEXT[],
    "regex" TEXT,
    "events" TEXT[] DEFAULT ARRAY['new']::TEXT[],
    "digest" TEXT NOT NULL DEFAULT 'none',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "events" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "post_id" INTEGER,
    "article_id" INTEGER,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dispatched_at" TIMESTAMPTZ(3),

    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "deliveries" (
    "id" UUID NOT NULL,
    "rule_id" INTEGER NOT NULL,
    "event_id" INTEGER,
    "digest_key" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leased_until" TIMESTAMPTZ(3),
    "lease_owner" TEXT,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "accounts_platform_handle_idx" ON "accounts"("platform", "handle");

-- CreateIndex
CREATE UNIQUE INDEX "accounts_platform_platform_user_id_key" ON "accounts"("platform", "platform_user_id");

-- CreateIndex
CREATE UNIQUE INDEX "account_handles_account_id_handle_key" ON "account_handles"("account_id", "handle");

-- CreateIndex
CREATE INDEX "poll_runs_account_id_started_at_idx" ON "poll_runs"("account_id", "started_at");

-- CreateIndex
CREATE UNIQUE INDEX "captures_sha256_key" ON "captures"("sha256");

-- CreateIndex
CREATE INDEX "captures_account_id_captured_at_idx" ON "captures"("account_id", "captured_at");

-- CreateIndex
CREATE INDEX "ingest_problems_created_at_idx" ON "ingest_problems"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "ingest_problems_capture_id_platform_id_code_key" ON "ingest_problems"("capture_id", "platform_id", "code");

-- CreateIndex
CREATE INDEX "posts_account_id_created_at_idx" ON "posts"("account_id", "created_at" DESC);

-- CreateIndex
CREATE INDEX "posts_created_at_idx" ON "posts"("created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "posts_platform_platform_id_key" ON "posts"("platform", "platform_id");

-- Full-text search and lookups by any ID of an edit chain (not expressible in schema.prisma).
CREATE INDEX "posts_search_vector_idx" ON "posts" USING GIN ("search_vector");
CREATE INDEX "posts_edit_ids_idx" ON "posts" USING GIN ("edit_ids");
CREATE INDEX "accounts_handle_trgm_idx" ON "accounts" USING GIN (lower("handle") gin_trgm_ops);

-- CreateIndex
CREATE INDEX "post_versions_post_id_created_at_idx" ON "post_versions"("post_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "post_versions_platform_version_id_key" ON "post_versions"("platform", "version_id");

-- CreateIndex
CREATE UNIQUE INDEX "articles_key_key" ON "articles"("key");

-- CreateIndex
CREATE UNIQUE INDEX "article_snapshots_article_id_sha256_key" ON "article_snapshots"("article_id", "sha256");

-- CreateIndex
CREATE INDEX "article_references_post_id_idx" ON "article_references"("post_id");

-- CreateIndex
CREATE INDEX "article_references_status_cited_platform_id_idx" ON "article_references"("status", "cited_platform_id");

-- CreateIndex
CREATE UNIQUE INDEX "article_references_article_id_fingerprint_key" ON "article_references"("article_id", "fingerprint");

-- CreateIndex
CREATE UNIQUE INDEX "article_references_article_id_post_id_key" ON "article_references"("article_id", "post_id");

-- CreateIndex
CREATE UNIQUE INDEX "events_dedupe_key_key" ON "events"("dedupe_key");

-- CreateIndex
CREATE INDEX "events_dispatched_at_id_idx" ON "events"("dispatched_at", "id");

-- CreateIndex
CREATE INDEX "deliveries_status_next_attempt_at_idx" ON "deliveries"("status", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "deliveries_rule_id_event_id_key" ON "deliveries"("rule_id", "event_id");

-- CreateIndex
CREATE UNIQUE INDEX "deliveries_rule_id_digest_key_key" ON "deliveries"("rule_id", "digest_key");

-- AddForeignKey
ALTER TABLE "account_handles" ADD CONSTRAINT "account_handles_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cursors" ADD CONSTRAINT "cursors_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "leases" ADD CONSTRAINT "leases_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "poll_runs" ADD CONSTRAINT "poll_runs_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "captures" ADD CONSTRAINT "captures_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ingest_problems" ADD CONSTRAINT "ingest_problems_capture_id_fkey" FOREIGN KEY ("capture_id") REFERENCES "captures"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ingest_problems" ADD CONSTRAINT "ingest_problems_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "posts" ADD CONSTRAINT "posts_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "post_versions" ADD CONSTRAINT "post_versions_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "post_versions" ADD CONSTRAINT "post_versions_capture_id_fkey" FOREIGN KEY ("capture_id") REFERENCES "captures"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "article_snapshots" ADD CONSTRAINT "article_snapshots_article_id_fkey" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "article_references" ADD CONSTRAINT "article_references_article_id_fkey" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "article_references" ADD CONSTRAINT "article_references_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "events"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "events" ADD CONSTRAINT "events_post_id_fkey" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "events" ADD CONSTRAINT "events_article_id_fkey" FOREIGN KEY ("article_id") REFERENCES "articles"("id") ON DELETE SET NULL ON UPDATE CASCADE;
