-- The evidence log: an append-only Merkle tree over captures, article
-- snapshots, media files and status observations, and its signed checkpoints.

-- CreateTable (its one row is created by the first append)
CREATE TABLE "log_state" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "size" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "log_state_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "log_leaves" (
    "leaf_index" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "ref_id" INTEGER NOT NULL,
    "data" TEXT NOT NULL,
    "leaf_hash" BYTEA NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "log_leaves_pkey" PRIMARY KEY ("leaf_index")
);

-- CreateTable
CREATE TABLE "log_checkpoints" (
    "id" SERIAL NOT NULL,
    "size" INTEGER NOT NULL,
    "root_hash" BYTEA NOT NULL,
    "note" TEXT NOT NULL,
    "verifier_key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "log_checkpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "status_observations" (
    "id" SERIAL NOT NULL,
    "post_id" INTEGER,
    "platform" TEXT NOT NULL,
    "platform_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "detail" TEXT,
    "observed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "status_observations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "log_leaves_kind_ref_id_key" ON "log_leaves"("kind", "ref_id");

-- CreateIndex
CREATE INDEX "log_checkpoints_size_idx" ON "log_checkpoints"("size");

-- CreateIndex
CREATE INDEX "status_observations_platform_platform_id_idx" ON "status_observations"("platform", "platform_id");
