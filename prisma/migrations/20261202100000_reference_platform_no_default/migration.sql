-- A reference names the platform of the post it cites: no platform is assumed.
ALTER TABLE "article_references" ALTER COLUMN "platform" DROP DEFAULT;
