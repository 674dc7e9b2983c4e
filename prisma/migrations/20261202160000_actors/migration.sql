-- Actors: a person or office with several channels (accounts on any platform).
CREATE TABLE "actors" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "actors_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "actors_name_key" ON "actors"("name");
-- Names are told apart regardless of case: "USFOR-A Spokesman" is the same actor.
CREATE UNIQUE INDEX "actors_name_lower_key" ON "actors"(lower("name"));

CREATE TABLE "actor_channels" (
    "actor_id" INTEGER NOT NULL,
    "account_id" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "actor_channels_pkey" PRIMARY KEY ("actor_id","account_id")
);

CREATE INDEX "actor_channels_account_id_idx" ON "actor_channels"("account_id");

ALTER TABLE "actor_channels" ADD CONSTRAINT "actor_channels_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "actors"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "actor_channels" ADD CONSTRAINT "actor_channels_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Alert rules for actors: the rule fires for any channel of each named actor.
ALTER TABLE "alert_rules" ADD COLUMN "actors" TEXT[] DEFAULT ARRAY[]::TEXT[];
