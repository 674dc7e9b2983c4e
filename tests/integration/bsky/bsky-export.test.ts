// Bluesky posts through export and import (in-process commands, real
// PostgreSQL): polled from the local AppView (a post with a photo and a
// link card, a reply, a repost of another account's post, a deletion), the
// export carries the platform, AT URIs and each version's raw post view, and
// an export imported into an empty database exports the same bytes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountsRepository } from '../../../src/adapters/db/accounts-repository.js';
import { createBskySource, type BskySource } from '../../../src/adapters/bsky/bsky-source.js';
import { registerExport } from '../../../src/cli/commands/export.js';
import { registerImport } from '../../../src/cli/commands/import.js';
import { createRuntime } from '../../../src/cli/runtime.js';
import { truncateAll, useTestDatabase } from '../../helpers/database.js';
import { startFakeBsky, type RunningFakeBsky } from '../../fake-bsky/fake-bsky-server.js';
import { logger, poller } from '../ingest/poll-harness.js';

const db = useTestDatabase();
const dir = mkdtempSync(join(tmpdir(), 'onrecord-bsky-export-'));
let fake: RunningFakeBsky;
let source: BskySource;

beforeAll(async () => {
  fake = await startFakeBsky();
  source = createBskySource({ baseUrl: fake.url, timeoutMs: 5_000, logger });
});
afterAll(async () => {
  source?.close();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<string> {
  const stdout = new PassThrough();
  const chunks: Buffer[] = [];
  stdout.on('data', (c: Buffer) => chunks.push(c));
  const rt = createRuntime(
    { stdout, stderr: new PassThrough(), isTty: false },
    { DATABASE_URL: db().url, LOG_LEVEL: 'silent' },
  );
  const program = new Command('onrecord').exitOverride();
  for (const register of [registerImport, registerExport]) register(program, rt);
  await program.parseAsync(args, { from: 'user' });
  return Buffer.concat(chunks).toString('utf8');
}

describe('Bluesky posts in an onrecord export', () => {
  it('carry their platform and raw views, and round-trip through import', async () => {
    const ministry = fake.createAccount({ handle: 'exports.example.gov', displayName: 'Ministry of Exports' });
    const partner = fake.createAccount({ handle: 'port.example.org', displayName: 'Port Authority' });
    const theirs = fake.publish(partner.did, { text: 'Cranes back in service.', at: '2026-03-02T08:00:00Z' });
    const photo = fake.publish(ministry.did, {
      text: 'Quay 4 reopened.',
      images: [{ alt: 'Quay 4 at dawn', width: 1600, height: 900 }],
      at: '2026-03-02T09:00:00Z',
    });
    fake.publish(ministry.did, {
      text: 'Timetable attached.',
      external: { uri: 'https://exports.example.gov/timetable', title: 'Timetable', description: 'Spring' },
      replyTo: photo.uri,
      at: '2026-03-02T09:05:00Z',
    });
    fake.repost(ministry.did, theirs.uri, '2026-03-02T10:00:00Z');
    const gone = fake.publish(ministry.did, { text: 'Draft, withdrawn.', at: '2026-03-02T11:00:00Z' });
    const { account } = await createAccountsRepository(db().prisma).add(
      { platform: 'bsky', handle: 'exports.example.gov', pollIntervalMs: 300_000 },
      new Date(),
    );
    await poller(db(), source).poll(account.id);
    await db().exec(`UPDATE posts SET status = 'deleted', status_changed_at = '2026-03-09T00:00:00Z'
      WHERE platform_id = '${gone.uri}'`);

    const first = join(dir, 'first.jsonl');
    await cli('export', '--format', 'jsonl', '--out', first);
    const lines = readFileSync(first, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(5);
    expect(new Set(lines.map((l) => l.platform))).toEqual(new Set(['bsky']));
    const exported = lines.find((l) => l.id === photo.uri);
    expect(exported.versions[0]).toMatchObject({
      versionId: `${photo.uri}#${photo.cid}`,
      raw: { uri: photo.uri, cid: photo.cid, record: { text: 'Quay 4 reopened.' } },
    });

    await truncateAll(db());
    const imported = JSON.parse(await cli('import', first, '--json'));
    expect(imported).toMatchObject({ lines: 5, posts: 5, postsNew: 5, versionsNew: 5, problems: 0 });
    const second = join(dir, 'second.jsonl');
    await cli('export', '--format', 'jsonl', '--out', second);
    expect(readFileSync(second, 'utf8')).toBe(readFileSync(first, 'utf8'));
  });
});
