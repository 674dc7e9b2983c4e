// Builds and opens evidence bundles (see core/evidence-bundle.ts for what they
// hold). Building signs a checkpoint of the whole log first, so that every
// leaf of the post is inside the one tree all proofs lead to. The zip stores
// its members uncompressed with a fixed time, in a fixed order: the same
// members always give the same bytes, so checking a bundle can rebuild its
// container and notice a changed byte even outside the members (a header,
// a timestamp, a checksum).
import { unzipSync, zipSync, type Zippable } from 'fflate';
import {
  BUNDLE_FORMAT,
  manifestNoteText,
  sha256Of,
  verifyBundle,
  type BundleCheck,
  type BundleItem,
  type BundleManifest,
} from '../core/evidence-bundle.js';
import { NotFound } from '../core/errors.js';
import { inclusionProof, type Hash } from '../core/merkle.js';
import { signNote, type SignerKey } from '../core/signed-note.js';
import { postUrl } from '../core/ids.js';
import { encodeRawBody } from '../core/storable-text.js';
import { createEvidenceRepository } from '../adapters/db/evidence-repository.js';
import { createPostsRepository } from '../adapters/db/posts-repository.js';
import type { Prisma } from '../adapters/db/database.js';
import { renderEvidenceReport } from '../http/pages/evidence-report.js';
import { createLogTree, signCheckpoint } from './evidence-log.js';
import { buffer } from 'node:stream/consumers';
import { extensionOf } from '../core/media-capture.js';
import type { MediaStore } from '../ports/media.js';
import { createMediaReads } from '../adapters/db/media-repository.js';

const ZIP_TIME = new Date('2000-01-01T00:00:00Z');

export interface BundleDeps {
  db: Prisma;
  signer: SignerKey;
  origin: string;
  now: Date;
  /** Where the post's media files are read from (without it, a bundle holds no media files). */
  media?: MediaStore;
}

interface Member {
  item: Omit<BundleItem, 'sha256' | 'leaf'>;
  bytes: Uint8Array;
  leafOf?: { kind: string; refId: number };
}

export async function buildEvidenceBundle(deps: BundleDeps, platform: string, id: string): Promise<Uint8Array> {
  const post = await createPostsRepository(deps.db).findByAnyId(platform, id);
  if (!post) throw new NotFound(`no archived post ${platform}:${id}`);
  const members = [...(await gatherMembers(deps.db, post)), ...(await mediaMembers(deps, post))];
  const tree = createLogTree(deps.db);
  const { checkpoint } = await signCheckpoint(tree, deps.signer, deps.origin);
  const hashes = await tree.hashes(checkpoint.size);
  const items: BundleItem[] = [];
  for (const m of members) items.push({ ...m.item, sha256: sha256Of(m.bytes), ...(await leafFor(tree, m, hashes)) });
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    createdAt: deps.now.toISOString(),
    post: {
      platform: post.platform,
      platformId: post.platformId,
      account: post.account ? `${post.account.platform}:${post.account.handle}` : null,
      url: post.permalink ?? postUrl(post.platform, post.account?.handle, post.platformId),
      text: post.text,
      createdAt: post.createdAt.toISOString(),
    },
    checkpoint: { origin: deps.origin, size: checkpoint.size, rootHash: checkpoint.rootHash.toString('base64') },
    verifierKey: checkpoint.verifierKey,
    items,
  };
  const report = Buffer.from(renderEvidenceReport(manifest), 'utf8');
  items.push({ path: 'report.html', kind: 'report', title: 'this report', at: null, sha256: sha256Of(report) });
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  const files: [string, Uint8Array][] = [
    ['manifest.json', manifestBytes],
    ['manifest.sig', Buffer.from(signNote(manifestNoteText(manifestBytes), [deps.signer]), 'utf8')],
    ['checkpoint.txt', Buffer.from(checkpoint.note, 'utf8')],
    ['key.vkey', Buffer.from(`${checkpoint.verifierKey}\n`, 'utf8')],
    ['report.html', report],
    ...members.map((m): [string, Uint8Array] => [m.item.path, m.bytes]),
  ];
  return zipMembers(files);
}

async function leafFor(tree: ReturnType<typeof createLogTree>, m: Member, hashes: Hash[]) {
  if (!m.leafOf) return {};
  const leaf = await tree.repo.leafOf(m.leafOf.kind, m.leafOf.refId);
  if (!leaf || leaf.index >= hashes.length) return {};
  const proof = inclusionProof(hashes, leaf.index, hashes.length).map((h) => h.toString('base64'));
  return { leaf: { index: leaf.index, data: leaf.data, proof } };
}

type PostWithVersions = NonNullable<Awaited<ReturnType<ReturnType<typeof createPostsRepository>['findByAnyId']>>>;

async function gatherMembers(db: Prisma, post: PostWithVersions): Promise<Member[]> {
  const repo = createEvidenceRepository(db);
  const utf8 = (s: string) => Buffer.from(s, 'utf8');
  const captureIds = [...new Set(post.versions.flatMap((v) => (v.captureId === null ? [] : [v.captureId])))];
  const captures = (await repo.captures(captureIds)).map((c) => ({
    item: {
      path: `captures/${c.id}.json`,
      kind: 'capture',
      title: `${c.source} ${c.requestUrl ?? ''}`.trim(),
      at: c.capturedAt.toISOString(),
    },
    bytes: encodeRawBody(c.body).bytes,
    leafOf: { kind: 'capture', refId: c.id },
  }));
  const versions = post.versions.map((v) => ({
    // A version ID may hold `/`, `:` or `#` (an AT URI): encoded, it is one file name on every system.
    item: {
      path: `versions/${encodeURIComponent(v.versionId)}.json`,
      kind: 'version',
      title: v.text,
      at: v.capturedAt.toISOString(),
    },
    bytes: utf8(
      `${JSON.stringify({ versionId: v.versionId, createdAt: v.createdAt, capturedAt: v.capturedAt, captureId: v.captureId, text: v.text, data: v.data }, null, 2)}\n`,
    ),
  }));
  const observations: Member[] = [];
  for (const o of await repo.observations(post.platform, post.platformId)) {
    const leaf = await createLogTree(db).repo.leafOf('observation', o.id);
    observations.push({
      item: {
        path: `observations/${o.id}.json`,
        kind: 'observation',
        title: `${o.status}${o.detail ? ` (${o.detail})` : ''}`,
        at: o.observedAt.toISOString(),
      },
      bytes: utf8(leaf?.data ?? JSON.stringify(o)),
      leafOf: { kind: 'observation', refId: o.id },
    });
  }
  const snapshots = (await repo.citingSnapshots(post.id)).map((s) => ({
    item: {
      path: `snapshots/${s.id}.${s.contentType?.includes('html') ? 'html' : 'txt'}`,
      kind: 'article_snapshot',
      title: s.articleTitle ?? s.articleUrl ?? `article ${s.articleId}`,
      at: s.capturedAt.toISOString(),
    },
    bytes: encodeRawBody(s.body).bytes,
    leafOf: { kind: 'article_snapshot', refId: s.id },
  }));
  return [...captures, ...versions, ...observations, ...snapshots];
}

/** The post's stored media files (each once), read whole from the media store. */
async function mediaMembers(deps: BundleDeps, post: PostWithVersions): Promise<Member[]> {
  if (!deps.media) return [];
  const rows = await createMediaReads(deps.db).ofPost(post);
  const stored = [...new Map(rows.filter((r) => r.status === 'stored').map((r) => [r.id, r])).values()];
  const members: Member[] = [];
  for (const m of stored.sort((a, b) => a.id - b.id)) {
    const read = await deps.media.read(m.sha256!);
    if (!read) throw new NotFound(`the bytes of media file ${m.id} (${m.sha256}) are missing from the media store`);
    members.push({
      item: {
        path: `media/${m.id}.${extensionOf(m.contentType)}`,
        kind: 'media',
        title: `${m.kind} ${m.url}`,
        at: m.fetchedAt?.toISOString() ?? null,
      },
      bytes: await buffer(read.body),
      leafOf: { kind: 'media', refId: m.id },
    });
  }
  return members;
}

function zipMembers(files: [string, Uint8Array][]): Uint8Array {
  const zippable: Zippable = {};
  for (const [path, bytes] of files) zippable[path] = [bytes, { level: 0, mtime: ZIP_TIME }];
  return zipSync(zippable, { level: 0, mtime: ZIP_TIME });
}

/** Checks a bundle file's bytes offline: its members (verifyBundle) and its container. */
export function checkEvidenceZip(zip: Uint8Array): BundleCheck {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip);
  } catch (err) {
    return {
      ok: false,
      problems: [`not a readable zip: ${(err as Error).message}`],
      manifest: null,
      checkpoint: null,
      verifierKey: null,
      proven: 0,
    };
  }
  const check = verifyBundle(new Map(Object.entries(files)));
  const rebuilt = zipMembers(Object.entries(files));
  if (!Buffer.from(rebuilt).equals(Buffer.from(zip))) {
    check.problems.push('the zip container was altered (bytes outside the files changed)');
    check.ok = false;
  }
  return check;
}
