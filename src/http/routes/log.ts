// The evidence log over HTTP: the latest signed checkpoint (a C2SP signed
// note, text/plain) and inclusion and consistency proofs (hashes in base64).
import type { FastifyInstance } from 'fastify';
import { NotFound } from '../../core/errors.js';
import { parsePostRef } from '../../core/ids.js';
import { createLogTree, proveConsistency, proveInclusion } from '../../jobs/evidence-log.js';
import { buildEvidenceBundle } from '../../jobs/evidence-bundle.js';
import { logKeyFromConfig } from '../../service/checkpoint-part.js';
import type { AppDeps } from '../app.js';
import type { MediaStore } from '../../ports/media.js';

const errors = { 400: { $ref: 'Error#' }, 404: { $ref: 'Error#' } };
const hashes = { type: 'array', items: { type: 'string' } } as const;

/** A post ID as part of a file name: an AT URI's `/` and `:` become `_`. */
function fileNamePart(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]+/g, '_');
}

export function registerLogApi(
  app: FastifyInstance,
  deps: Pick<AppDeps, 'db' | 'config' | 'clock'> & { media?: MediaStore },
): void {
  const tree = createLogTree(deps.db.prisma);

  app.get<{ Params: { platform: string; id: string } }>(
    '/api/posts/:platform/:id/evidence.zip',
    {
      schema: {
        summary: 'An evidence bundle of a post (zip): captures, versions, observations, citing articles, proofs',
        tags: ['posts', 'log'],
        params: {
          type: 'object',
          required: ['platform', 'id'],
          properties: { platform: { type: 'string' }, id: { type: 'string' } },
        },
        response: errors,
      },
    },
    async (request, reply) => {
      // The platform's own syntax (an X ID, a Bluesky AT URI): anything else is a 400.
      const { platform, id } = parsePostRef(`${request.params.platform}:${request.params.id}`);
      const zip = await buildEvidenceBundle(
        {
          db: deps.db.prisma,
          signer: logKeyFromConfig(deps.config),
          origin: deps.config.ONRECORD_LOG_ORIGIN,
          now: deps.clock.now(),
          media: deps.media,
        },
        platform,
        id,
      );
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="evidence-${platform}-${fileNamePart(id)}.zip"`)
        .send(Buffer.from(zip));
    },
  );

  app.get(
    '/api/log/checkpoint',
    {
      schema: {
        summary: "The log's latest signed checkpoint (C2SP tlog-checkpoint signed note)",
        tags: ['log'],
        response: { 200: { type: 'string' }, 404: { $ref: 'Error#' } },
      },
    },
    async (_request, reply) => {
      const checkpoint = await tree.repo.latestCheckpoint();
      if (!checkpoint) throw new NotFound('no checkpoint has been signed yet');
      return reply.type('text/plain; charset=utf-8').send(checkpoint.note);
    },
  );

  app.get<{ Querystring: { leaf: number; size: number } }>(
    '/api/log/proof/inclusion',
    {
      schema: {
        summary: 'Inclusion proof of a leaf (0-based index) in the tree of the given size',
        tags: ['log'],
        querystring: {
          type: 'object',
          required: ['leaf', 'size'],
          properties: { leaf: { type: 'integer', minimum: 0 }, size: { type: 'integer', minimum: 1 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              leafIndex: { type: 'integer' },
              treeSize: { type: 'integer' },
              leafHash: { type: 'string' },
              rootHash: { type: 'string' },
              proof: hashes,
            },
          },
          ...errors,
        },
      },
    },
    (request) => proveInclusion(tree, request.query.leaf, request.query.size),
  );

  app.get<{ Querystring: { from: number; to: number } }>(
    '/api/log/proof/consistency',
    {
      schema: {
        summary: 'Consistency proof between two tree sizes',
        tags: ['log'],
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          properties: { from: { type: 'integer', minimum: 1 }, to: { type: 'integer', minimum: 1 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              from: { type: 'integer' },
              to: { type: 'integer' },
              fromRoot: { type: 'string' },
              toRoot: { type: 'string' },
              proof: hashes,
            },
          },
          ...errors,
        },
      },
    },
    (request) => proveConsistency(tree, request.query.from, request.query.to),
  );
}
