-- A rate-limit wait of an account, remembered across restarts.
ALTER TABLE "accounts" ADD COLUMN "paused_until" TIMESTAMPTZ(3),
ADD COLUMN "pause_code" TEXT,
ADD COLUMN "pause_reason" TEXT;
