-- A post's own address when its ID cannot rebuild it (a feed item's link):
-- shown as the post's link, and looked up when an article links to it.
ALTER TABLE "posts" ADD COLUMN "permalink" TEXT;

CREATE INDEX "posts_platform_permalink_idx" ON "posts"("platform", "permalink");
