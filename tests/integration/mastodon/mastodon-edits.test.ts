// Edits and deletions through the Mastodon adapter: an edited status is read
// from its history (each revision a version, the history its own capture)
// only when the edit is new to the archive; a status looked up again and
// answered 404 or 410 comes back as a not_found partial error.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MastodonSource } from '../../../src/adapters/mastodon/mastodon-source.js';
import { startFakeMastodon, type RunningFakeMastodon } from '../../fake-mastodon/fake-mastodon-server.js';
import { readAll, readTimeline, sourceFor } from './mastodon-helpers.js';

let fake: RunningFakeMastodon;
let gone: RunningFakeMastodon;
let source: MastodonSource;

beforeAll(async () => {
  fake = await startFakeMastodon({ domain: 'gov.example' });
  gone = await startFakeMastodon({ domain: 'agency.example', deletedStatus: 410 });
  source = sourceFor([fake, gone]);
});

afterAll(async () => {
  source.close();
  await Promise.all([fake.close(), gone.close()]);
});

afterEach(() => {
  for (const f of [fake, gone]) {
    f.clearFaults();
    f.requests.splice(0);
  }
});

function publishAndEdit(username: string) {
  const account = fake.addAccount({ username });
  const status = fake.publish({ account, text: 'Curfew starts at 22:00.', at: '2026-03-05T10:00:00.000Z' });
  return { account, status, platformId: `gov.example:${status.id}` };
}

describe('edits', () => {
  it('reads a looked-up status’s history when its edit is new, one version per revision', async () => {
    const { status, platformId } = publishAndEdit('edit_office');
    fake.edit(status.id, { text: 'Curfew starts at 23:00.', at: '2026-03-05T10:20:00.000Z' });
    fake.edit(status.id, { text: 'Curfew starts at 23:00 in the old town.', at: '2026-03-05T10:45:30.250Z' });
    const pages = await readAll(source, () => source.lookupPosts([platformId]));
    expect(pages.map((p) => [p.capture.source, p.capture.requestUrl])).toEqual([
      ['mastodon:status', `${fake.url}/api/v1/statuses/${status.id}`],
      ['mastodon:history', `${fake.url}/api/v1/statuses/${status.id}/history`],
    ]);
    // The status page leaves the edited status to its history page, so no edit is stored without the ones before it.
    expect(pages[0]!.posts).toEqual([]);
    const versions = pages[1]!.posts;
    const chain = [platformId, `${platformId}@2026-03-05T10:20:00.000Z`, `${platformId}@2026-03-05T10:45:30.250Z`];
    expect(versions.map((v) => [v.versionId, v.text, v.versionCreatedAt.toISOString(), v.via])).toEqual([
      [chain[0], 'Curfew starts at 22:00.', '2026-03-05T10:00:00.000Z', 'edit_history'],
      [chain[1], 'Curfew starts at 23:00.', '2026-03-05T10:20:00.000Z', 'edit_history'],
      [chain[2], 'Curfew starts at 23:00 in the old town.', '2026-03-05T10:45:30.250Z', 'data'],
    ]);
    for (const v of versions) {
      expect(v).toMatchObject({ platformId, editIds: chain, createdAt: new Date('2026-03-05T10:00:00.000Z') });
    }
    expect(new Set(versions.map((v) => v.contentSha256)).size).toBe(3);

    // Looked up again, unchanged: one request, the status as it stands, no history.
    fake.requests.splice(0);
    const again = await readAll(source, () => source.lookupPosts([chain[2]!]));
    expect(fake.requests.map((r) => r.endpoint)).toEqual(['statuses/:id']);
    expect(again[0]!.posts.map((p) => p.versionId)).toEqual([chain[2]]);
  });

  it('asks the archive which edits it has, when given a way to', async () => {
    const { status, platformId } = publishAndEdit('known_office');
    fake.edit(status.id, { text: 'Curfew lifted.', at: '2026-03-05T11:00:00.000Z' });
    const asked: string[][] = [];
    const archived = sourceFor([fake], {
      knownVersions: async (ids) => (asked.push(ids), new Set(ids)),
    });
    try {
      const pages = await readAll(archived, () => archived.lookupPosts([platformId]));
      expect(asked).toEqual([[`${platformId}@2026-03-05T11:00:00.000Z`]]);
      expect(pages).toHaveLength(1);
      expect(pages[0]!.posts.map((p) => p.text)).toEqual(['Curfew lifted.']);
    } finally {
      archived.close();
    }
  });

  it('reads the history of statuses already edited when the backfill meets them, between timeline pages', async () => {
    const { account, statuses } = fake.seedAccount({ username: 'backfill_edits', statuses: 50 });
    fake.edit(statuses[45]!.id, { text: 'Corrected figures.', at: '2026-03-06T00:00:00.000Z' });
    const fresh = sourceFor([fake]);
    try {
      const pages = await readTimeline(fresh, `gov.example:${account.id}`, null);
      expect(pages.map((p) => p.capture.source)).toEqual([
        'mastodon:timeline',
        'mastodon:history',
        'mastodon:timeline',
      ]);
      expect(pages.map((p) => p.posts.length)).toEqual([39, 2, 10]);
      expect(pages[1]!.posts.map((p) => p.text)).toEqual(['Statement 46 of the office.', 'Corrected figures.']);
      expect(pages[1]!.newestCursor).toBeNull();
    } finally {
      fresh.close();
    }
  });

  it('archives a status deleted before its history was read, and reports it deleted', async () => {
    const { status, platformId } = publishAndEdit('vanishing_office');
    fake.edit(status.id, { text: 'Curfew moved.', at: '2026-03-05T12:00:00.000Z' });
    const first = await source.lookupPosts([platformId]);
    fake.delete(status.id);
    const history = await source.fetchPage({ platformUserId: '' }, null, first.nextPageToken);
    expect(history.posts.map((p) => p.text)).toEqual(['Curfew moved.']);
    expect(history.errors).toEqual([
      {
        kind: 'not_found',
        resourceType: 'status',
        resourceId: platformId,
        detail: 'the server answered 404 Not Found',
      },
    ]);
  });
});

describe('deletions', () => {
  it('reports a deleted status as not_found when the server answers 404', async () => {
    const { status, platformId } = publishAndEdit('delete_office');
    fake.delete(status.id);
    const page = await source.lookupPosts([platformId]);
    expect(page).toMatchObject({
      posts: [],
      errors: [{ kind: 'not_found', resourceType: 'status', resourceId: platformId }],
      capture: { httpStatus: 404, body: '{"error":"Record not found"}', source: 'mastodon:status' },
    });
    expect(page.nextPageToken).toBeUndefined();
  });

  it('reports a deleted status as not_found when the server answers 410 Gone', async () => {
    const account = gone.addAccount({ username: 'agency' });
    const status = gone.publish({ account, text: 'Notice withdrawn.' });
    gone.delete(status.id);
    const page = await source.lookupPosts([`agency.example:${status.id}`]);
    expect(page.errors).toEqual([
      {
        kind: 'not_found',
        resourceType: 'status',
        resourceId: `agency.example:${status.id}`,
        detail: 'the server answered 410 Gone',
      },
    ]);
    expect(page.capture.httpStatus).toBe(410);
    expect(gone.requests).toHaveLength(1);
  });

  it('reports an account the timeline no longer finds as a gone user', async () => {
    const page = await source.fetchPage({ platformUserId: 'gov.example:999' }, null, undefined);
    expect(page.errors).toEqual([
      {
        kind: 'not_found',
        resourceType: 'user',
        resourceId: 'gov.example:999',
        detail: 'the server answered 404 Not Found',
      },
    ]);
  });
});
