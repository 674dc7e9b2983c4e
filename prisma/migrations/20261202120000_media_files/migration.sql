-- Captured media: one row per media address (also the download queue) and
-- the versions that show each file.

-- CreateTable
CREATE TABLE "media_files" (
    "id" SERIAL NOT NULL,
    "url" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "sha256" TEXT,
    "bytes" INTEGER,
    "content_type" TEXT,
    "fetched_from" TEXT,
    "fetched_at" TIMESTAMPTZ(3),
    "gone_at" TIMESTAMPTZ(3),
    "http_status" INTEGER,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leased_until" TIMESTAMPTZ(3),
    "lease_owner" TEXT,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "media_files_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "version_media" (
    "version_id" INTEGER NOT NULL,
    "media_id" INTEGER NOT NULL,
    "media_key" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "version_media_pkey" PRIMARY KEY ("version_id","media_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "media_files_url_key" ON "media_files"("url");

-- CreateIndex
CREATE INDEX "media_files_status_next_attempt_at_idx" ON "media_files"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "media_files_sha256_idx" ON "media_files"("sha256");

-- CreateIndex
CREATE INDEX "version_media_media_id_idx" ON "version_media"("media_id");

-- AddForeignKey
ALTER TABLE "version_media" ADD CONSTRAINT "version_media_version_id_fkey" FOREIGN KEY ("version_id") REFERENCES "post_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "version_media" ADD CONSTRAINT "version_media_media_id_fkey" FOREIGN KEY ("media_id") REFERENCES "media_files"("id") ON DELETE CASCADE ON UPDATE CASCADE;
