// Media files and their download queue. A version's media are queued in the
// transaction that stores the version (enqueueVersionMedia, called by
// storeBatch), one row per address whichever posts show it. Downloads are
// claimed with a lease (FOR UPDATE SKIP LOCKED): two workers never fetch one
// file at once, and a killed worker's claims are taken again when their lease
// ends. A stored file's row and its leaf in the evidence log are written in
// one transaction; so are a gone file's row and its observations.
import { leafEntry } from '../../core/log-leaf.js';
import { mediaToCapture, type MediaKind, type MediaStatus } from '../../core/media-capture.js';
import type { NormalizedPost } from '../../core/post-model.js';
import type { Prisma, Tx } from './database.js';
import { appendLeaves, recordObservations } from './log-append.js';

/** Queues the media of these versions (already stored in this transaction) and links them to the versions. */
export async function enqueueVersionMedia(tx: Tx, versions: NormalizedPost[], now: Date): Promise<void> {
  const wanted = versions.flatMap((v) =>
    mediaToCapture(v.media ?? []).map((w) => ({ platform: v.platform, versionId: v.versionId, ...w })),
  );
  if (wanted.length === 0) return;
  // ON CONFLICT DO UPDATE (a no-op write) returns the id of a row another
  // transaction inserted meanwhile, which DO NOTHING would not show.
  await tx.$executeRaw`
    WITH w AS (
      SELECT * FROM jsonb_to_recordset(${JSON.stringify(wanted)}::jsonb)
        AS w(platform text, "versionId" text, url text, kind text, "mediaKey" text, position int)),
    m AS (
      INSERT INTO media_files (url, kind, next_attempt_at, created_at)
      SELECT DISTINCT ON (url) url, kind, ${now}::timestamptz, ${now}::timestamptz FROM w ORDER BY url
      ON CONFLICT (url) DO UPDATE SET url = EXCLUDED.url
      RETURNING id, url)
    INSERT INTO version_media (version_id, media_id, media_key, position)
    SELECT v.id, m.id, w."mediaKey", w.position
    FROM w JOIN m USING (url) JOIN post_versions v ON v.platform = w.platform AND v.version_id = w."versionId"
    ON CONFLICT DO NOTHING`;
}

export interface ClaimedMedia {
  id: number;
  url: string;
  kind: MediaKind;
  attempts: number;
}

export interface StoredMedia {
  sha256: string;
  bytes: number;
  contentType: string | null;
  fetchedFrom: string;
  httpStatus: number;
  fetchedAt: Date;
}

export interface MediaRow {
  id: number;
  url: string;
  kind: MediaKind;
  status: MediaStatus;
  sha256: string | null;
  bytes: number | null;
  contentType: string | null;
  fetchedFrom: string | null;
  fetchedAt: Date | null;
  goneAt: Date | null;
  httpStatus: number | null;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
}

/** A media file as a version shows it. */
export interface VersionMediaRow extends MediaRow {
  /** The platform's ID of the version. */
  versionId: string;
  mediaKey: string;
  position: number;
}

const MEDIA_COLUMNS = {
  id: true,
  url: true,
  kind: true,
  status: true,
  sha256: true,
  bytes: true,
  contentType: true,
  fetchedFrom: true,
  fetchedAt: true,
  goneAt: true,
  httpStatus: true,
  attempts: true,
  nextAttemptAt: true,
  lastError: true,
} as const;

export type MediaRepository = ReturnType<typeof createMediaRepository>;

export function createMediaRepository(prisma: Prisma) {
  /** A claim ends only while it is still this owner's (a lost lease changes nothing). */
  const held = (claim: ClaimedMedia, owner: string) => ({ id: claim.id, status: 'pending', leaseOwner: owner });

  return {
    /** Claims up to `limit` files due by `now` for `owner` until `leaseUntil`; each claim counts as an attempt. */
    async claimDue(c: { now: Date; owner: string; leaseUntil: Date; limit: number }): Promise<ClaimedMedia[]> {
      return prisma.$queryRaw<ClaimedMedia[]>`
        WITH due AS (
          SELECT id FROM media_files
          WHERE status = 'pending' AND next_attempt_at <= ${c.now}
            AND (leased_until IS NULL OR leased_until <= ${c.now})
          ORDER BY next_attempt_at, id LIMIT ${c.limit}
          FOR UPDATE SKIP LOCKED)
        UPDATE media_files m SET leased_until = ${c.leaseUntil}, lease_owner = ${c.owner}, attempts = m.attempts + 1
        FROM due WHERE m.id = due.id
        RETURNING m.id, m.url, m.kind, m.attempts`;
    },

    /** The file is in the store: its row and its leaf, in one transaction. Returns false if the claim was lost. */
    async markStored(claim: ClaimedMedia, owner: string, s: StoredMedia): Promise<boolean> {
      return prisma.$transaction(async (tx) => {
        const updated = await tx.mediaFile.updateMany({
          where: held(claim, owner),
          data: {
            status: 'stored',
            sha256: s.sha256,
            bytes: s.bytes,
            contentType: s.contentType,
            fetchedFrom: s.fetchedFrom,
            fetchedAt: s.fetchedAt,
            httpStatus: s.httpStatus,
            leasedUntil: null,
            leaseOwner: null,
            lastError: null,
          },
        });
        if (updated.count === 0) return false;
        const { sha256, bytes, contentType } = s;
        await appendLeaves(tx, [
          leafEntry({
            kind: 'media',
            id: claim.id,
            url: claim.url,
            contentType,
            bytes,
            capturedAt: s.fetchedAt,
            sha256,
          }),
        ]);
        return true;
      });
    },

    /** The platform says the file is gone: the row, and a media_gone observation per post showing it. */
    async markGone(claim: ClaimedMedia, owner: string, gone: { status: number; url: string; at: Date }) {
      return prisma.$transaction(async (tx) => {
        const updated = await tx.mediaFile.updateMany({
          where: held(claim, owner),
          data: { status: 'gone', goneAt: gone.at, httpStatus: gone.status, leasedUntil: null, leaseOwner: null },
        });
        if (updated.count === 0) return false;
        const posts = await tx.$queryRaw<{ id: number; platform: string; platform_id: string }[]>`
          SELECT DISTINCT p.id, p.platform, p.platform_id FROM version_media vm
          JOIN post_versions v ON v.id = vm.version_id JOIN posts p ON p.id = v.post_id
          WHERE vm.media_id = ${claim.id} ORDER BY p.id`;
        const detail = `${claim.kind} ${claim.url}: HTTP ${gone.status} from ${gone.url}`;
        await recordObservations(
          tx,
          posts.map((p) => ({
            postId: p.id,
            platform: p.platform,
            platformId: p.platform_id,
            status: 'media_gone' as const,
            detail,
            observedAt: gone.at,
          })),
        );
        return true;
      });
    },

    /** A failed attempt: tried again at `retryAt`, or marked with a final status (refused, failed). */
    async markFailed(
      claim: ClaimedMedia,
      owner: string,
      f: { error: string; retryAt: Date | null; final: 'refused' | 'failed' | null },
    ) {
      const updated = await prisma.mediaFile.updateMany({
        where: held(claim, owner),
        data: {
          status: f.final ?? 'pending',
          lastError: f.error.slice(0, 2000),
          ...(f.retryAt ? { nextAttemptAt: f.retryAt } : {}),
          leasedUntil: null,
          leaseOwner: null,
        },
      });
      return updated.count > 0;
    },

    ...createMediaReads(prisma),
  };
}

/** Reads of media files (for pages, bundles, WARC export and the CLI); usable inside a transaction. */
export function createMediaReads(prisma: Tx) {
  return {
    async list(filter: { status?: MediaStatus; limit: number }): Promise<MediaRow[]> {
      const rows = await prisma.mediaFile.findMany({
        where: filter.status ? { status: filter.status } : {},
        orderBy: { id: 'asc' },
        take: filter.limit,
        select: MEDIA_COLUMNS,
      });
      return rows as MediaRow[];
    },

    async countsByStatus(): Promise<Record<string, number>> {
      const rows = await prisma.mediaFile.groupBy({ by: ['status'], _count: { _all: true } });
      return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
    },

    /** The media files every version of a post shows, in version then media order. */
    async ofPost(post: { platform: string; platformId: string }): Promise<VersionMediaRow[]> {
      const links = await prisma.versionMedia.findMany({
        where: { version: { post: { platform: post.platform, platformId: post.platformId } } },
        orderBy: [{ version: { id: 'asc' } }, { position: 'asc' }, { media: { kind: 'asc' } }],
        select: {
          mediaKey: true,
          position: true,
          version: { select: { versionId: true } },
          media: { select: MEDIA_COLUMNS },
        },
      });
      return links.map((l) => ({
        ...(l.media as MediaRow),
        versionId: l.version.versionId,
        mediaKey: l.mediaKey,
        position: l.position,
      }));
    },

    /** Stored files of these posts, each once (WARC export). */
    async storedOfPosts(postIds: number[]): Promise<MediaRow[]> {
      const rows = await prisma.mediaFile.findMany({
        where: { status: 'stored', versions: { some: { version: { postId: { in: postIds } } } } },
        orderBy: { id: 'asc' },
        select: MEDIA_COLUMNS,
      });
      return rows as MediaRow[];
    },

    /** How stored bytes with this sha256 are served: the content type of a file that has them. */
    async storedType(sha256: string): Promise<{ contentType: string | null } | null> {
      return prisma.mediaFile.findFirst({
        where: { sha256, status: 'stored' },
        orderBy: { id: 'asc' },
        select: { contentType: true },
      });
    },
  };
}
