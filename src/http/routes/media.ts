// GET /media/:sha256: a captured media file, from the media store. The name
// is the content's sha256, so the answer never changes: ETag is the sha256,
// caching is immutable, a matching If-None-Match gets 304. Byte ranges are
// served (206; 416 past the end) so that videos seek. Only image, video and
// audio types a browser shows safely are served inline; anything else (an
// HTML or SVG file where a photo was expected) goes out as a download, and a
// sandboxing CSP covers every answer, so a captured file can never run as
// this site's page.
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { NotFound } from '../../core/errors.js';
import { isInlineMediaType } from '../../core/media-capture.js';
import type { BlobRange, MediaStore } from '../../ports/media.js';
import { createMediaReads } from '../../adapters/db/media-repository.js';
import type { AppDeps } from '../app.js';
import type { ArchivedMedia } from '../pages/media-view.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const MEDIA_CSP = "default-src 'none'; sandbox";

export function registerMediaRoute(app: FastifyInstance, deps: Pick<AppDeps, 'db'> & { media: MediaStore }): void {
  const repo = createMediaReads(deps.db.prisma);

  app.get<{ Params: { sha256: string } }>(
    '/media/:sha256',
    {
      schema: {
        summary: 'A captured media file by the sha256 of its bytes (photos, videos, GIFs, previews)',
        tags: ['media'],
        params: {
          type: 'object',
          required: ['sha256'],
          properties: { sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
        },
        response: { 404: { $ref: 'Error#' }, 416: { $ref: 'Error#' } },
      },
    },
    async (request, reply) => {
      const { sha256 } = request.params;
      const file = await repo.storedType(sha256);
      if (!file) throw new NotFound(`no captured media file has sha256 ${sha256}`);
      const etag = `"${sha256}"`;
      if (matchesEtag(request.headers['if-none-match'], etag)) {
        setCommonHeaders(reply, etag, file.contentType);
        return reply.code(304).send();
      }
      const size = await deps.media.size(sha256);
      if (size === null) throw new NotFound(`the bytes of media file ${sha256} are missing from the media store`);
      const range = parseRange(request.headers.range, size);
      if (range === 'unsatisfiable') {
        reply.header('content-range', `bytes */${size}`);
        return reply.code(416).send({ error: 'range_not_satisfiable', message: `the file has ${size} bytes` });
      }
      setCommonHeaders(reply, etag, file.contentType);
      if (range) {
        reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`);
        reply.header('content-length', range.end - range.start + 1);
      } else reply.header('content-length', size);
      // HEAD: the headers only. (An empty stream: Fastify's HEAD handling would
      // read a real one to its end, and would set the length of no payload to 0.)
      if (request.method === 'HEAD') return reply.send(Readable.from([]));
      const read = await deps.media.read(sha256, range ?? undefined);
      if (!read) throw new NotFound(`the bytes of media file ${sha256} are missing from the media store`);
      return reply.send(read.body);
    },
  );
}

function setCommonHeaders(reply: FastifyReply, etag: string, contentType: string | null) {
  const inline = isInlineMediaType(contentType);
  reply
    .header('etag', etag)
    .header('cache-control', IMMUTABLE)
    .header('accept-ranges', 'bytes')
    .header('content-security-policy', MEDIA_CSP)
    .type(inline ? contentType! : 'application/octet-stream');
  if (!inline) reply.header('content-disposition', 'attachment');
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header === '*' || header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** One `bytes=` range (the forms start-end, start-, -suffix); several ranges are served whole. */
export function parseRange(header: string | undefined, size: number): BlobRange | null | 'unsatisfiable' {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

/** What the archive holds of a post's media files, for its page. */
export async function archivedMediaOf(
  repo: ReturnType<typeof createMediaReads>,
  post: { platform: string; platformId: string },
): Promise<ArchivedMedia[]> {
  const rows = await repo.ofPost(post);
  return [...new Map(rows.map((r) => [r.url, r])).values()].map((r) => ({
    url: r.url,
    kind: r.kind,
    status: r.status,
    sha256: r.sha256,
    contentType: r.contentType,
    goneAt: r.goneAt?.toISOString() ?? null,
    httpStatus: r.httpStatus,
    lastError: r.lastError,
  }));
}
