// What a version is, as pure rules: order by the time posted (keys are
// opaque), the newest per post, edit chains merged in order, and versions
// that repeat the content next to them folded (for platforms whose edits
// keep the post's ID).
import { describe, expect, it } from 'vitest';
import type { Platform } from '../../../src/core/platforms.js';
import type { NormalizedPost } from '../../../src/core/post-model.js';
import {
  compareVersions,
  foldRepeatedContent,
  latestPerPost,
  mergeEditIds,
  newestVersion,
  postKey,
  type StoredVersion,
} from '../../../src/core/post-versions.js';

// A platform that keeps the post's ID across edits; no descriptor is needed for storage rules.
const KEEPS_ID = 'mastodon' as Platform;
const T0 = Date.parse('2026-03-04T10:00:00Z');

function at(minutes: number): Date {
  return new Date(T0 + minutes * 60_000);
}

function version(platformId: string, minutes: number, content: string, versionId?: string): NormalizedPost {
  return {
    platform: KEEPS_ID,
    platformId,
    versionId: versionId ?? `${platformId}@${at(minutes).toISOString()}`,
    editIds: [platformId],
    text: content,
    versionCreatedAt: at(minutes),
    createdAt: at(0),
    contentSha256: `sha-of-${content}`,
  } as NormalizedPost;
}

function stored(v: NormalizedPost): StoredVersion {
  return { versionId: v.versionId, versionCreatedAt: v.versionCreatedAt, contentSha256: v.contentSha256 };
}

describe('version order', () => {
  it.each([
    // key order opposite to time order: time wins
    [{ versionId: 'b', versionCreatedAt: at(0) }, { versionId: 'a', versionCreatedAt: at(1) }, -1],
    // same time: decimal IDs in numeric order (two X edits in one second)
    [{ versionId: '99', versionCreatedAt: at(0) }, { versionId: '100', versionCreatedAt: at(0) }, -1],
    [{ versionId: '100', versionCreatedAt: at(0) }, { versionId: '100', versionCreatedAt: at(0) }, 0],
  ])('%o before %o: %i', (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });

  it('takes the newest by the time posted, whatever its key', () => {
    const older = version('7', 0, 'one', 'item#ff01');
    const newer = version('7', 5, 'two', 'item#0a00');
    expect(newestVersion([newer, older])).toBe(newer);
    expect(latestPerPost([older, newer, version('8', 1, 'x')]).map((v) => v.versionId)).toEqual([
      'item#0a00',
      '8@2026-03-04T10:01:00.000Z',
    ]);
  });

  it('grows an edit chain in order, each ID once', () => {
    expect(mergeEditIds(['1', '2'], [{ editIds: ['1', '2', '3'] }, { editIds: ['4'] }, { editIds: ['3'] }])).toEqual([
      '1',
      '2',
      '3',
      '4',
    ]);
  });
});

describe('folding versions that repeat their neighbour', () => {
  const v1 = version('7', 0, 'first');
  const v2 = version('7', 10, 'second');
  const v2again = version('7', 20, 'second');
  const v3back = version('7', 30, 'first');

  function fold(incoming: NormalizedPost[], before: NormalizedPost[] = []) {
    const storedMap = new Map(before.length ? [[postKey(before[0]!), before.map(stored)]] : []);
    const { kept, folded } = foldRepeatedContent(incoming, storedMap);
    return { kept: kept.map((v) => v.versionId), folded: folded.map((v) => v.versionId) };
  }

  it.each([
    ['a first sight keeps its one version', [v1], [], [v1], []],
    ['an edit to new content is kept', [v2], [v1], [v2], []],
    ['an edit that changed nothing archived is folded', [v2again], [v1, v2], [], [v2again]],
    ['an edit back to earlier content is kept', [v3back], [v1, v2], [v3back], []],
    ['a history read in one page folds only the repeat', [v1, v2, v2again, v3back], [], [v1, v2, v3back], [v2again]],
    ['a version already stored is kept (its row is refreshed, not duplicated)', [v2], [v1, v2], [v2], []],
    ['an older version found later that repeats the stored one after it is folded', [v2], [v1, v2again], [], [v2]],
    ['an older version found later with its own content is kept', [v1], [v2], [v1], []],
  ])('%s', (_name, incoming, before, kept, folded) => {
    expect(fold(incoming, before)).toEqual({
      kept: kept.map((v) => v.versionId),
      folded: folded.map((v) => v.versionId),
    });
  });

  it('keeps page order and tells posts apart by platform and ID', () => {
    const other = { ...version('7', 5, 'first'), platform: 'feed' as Platform };
    const { kept } = foldRepeatedContent([v2, other, v1], new Map());
    expect(kept).toEqual([v2, other, v1]);
  });
});
