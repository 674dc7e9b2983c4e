// Export by actor: the posts of every channel, each line and row naming its
// platform (a second platform's rows written directly), with the versions and
// the raw payload of each as received.
import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFilters } from '../../../src/core/search-query.js';
import { exportPosts } from '../../../src/jobs/export-posts.js';
import { insertAccount, insertPost } from '../../helpers/archive-fixtures.js';
import { useTestDatabase } from '../../helpers/database.js';

const getDb = useTestDatabase();
const ACTOR = 'Ministry Spokesman';

async function exported(format: 'jsonl' | 'csv', filters = parseFilters({ actor: ACTOR.toUpperCase() })) {
  let text = '';
  const out = new Writable({ write: (chunk, _enc, done) => void ((text += String(chunk)), done()) });
  const result = await exportPosts({ db: getDb().prisma, filters, format, out });
  return { result, text };
}

beforeAll(async () => {
  const db = getDb();
  const x = await insertAccount(db, { handle: 'MinSpox' });
  const second = await insertAccount(db, { platform: 'mastodon', handle: 'spox@ministry.example' });
  const other = await insertAccount(db, { handle: 'Elsewhere' });
  await insertPost(db, { accountId: x.id, id: '1760000000000000501', text: 'On X', createdAt: '2026-02-01T00:00:00Z' });
  await insertPost(db, {
    platform: 'mastodon',
    accountId: second.id,
    id: '3000000000000000502',
    text: 'On the second channel, edited',
    earlierTexts: ['On the second channel'],
    createdAt: '2026-02-02T00:00:00Z',
  });
  await insertPost(db, { accountId: other.id, text: 'Not the ministry', createdAt: '2026-02-03T00:00:00Z' });
  const actor = await db.prisma.actor.create({ data: { name: ACTOR } });
  await db.prisma.actorChannel.createMany({
    data: [x.id, second.id].map((accountId) => ({ actorId: actor.id, accountId })),
  });
});

describe('export by actor', () => {
  it('writes JSON Lines of every channel, each with its platform, versions and raw payloads', async () => {
    const { result, text } = await exported('jsonl');
    expect(result).toEqual({ written: 2, skipped: [] });
    const lines = text
      .trimEnd()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as { id: string; platform: string; account: string; versions: { raw: { text: string } }[] },
      );
    expect(lines.map((l) => [l.platform, l.id, l.account, l.versions.map((v) => v.raw.text)])).toEqual([
      [
        'mastodon',
        '3000000000000000502',
        'mastodon:spox@ministry.example',
        ['On the second channel', 'On the second channel, edited'],
      ],
      ['x', '1760000000000000501', 'x:MinSpox', ['On X']],
    ]);
  });

  it('writes CSV rows with the platform column, and filters by platform', async () => {
    const rows = parse((await exported('csv')).text, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.platform, r.account, r.url])).toEqual([
      ['mastodon', 'mastodon:spox@ministry.example', expect.any(String)],
      ['x', 'x:MinSpox', 'https://x.com/MinSpox/status/1760000000000000501'],
    ]);
    const onX = parse((await exported('csv', parseFilters({ actor: ACTOR, platform: 'x' }))).text, { columns: true });
    expect((onX as Record<string, string>[]).map((r) => r.id)).toEqual(['1760000000000000501']);
  });
});
