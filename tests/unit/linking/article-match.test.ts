import { describe, expect, it } from 'vitest';
import type { CandidateReference } from '../../../src/core/article-detect.js';
import { assignPosts, differsFromArchive, scorePair, type PostCandidate } from '../../../src/core/article-match.js';

const TEXT_A = 'Statement on the defensive strike near Nahr-e Saraj this morning. Details to follow. https://t.co/aaa';
const TEXT_B = 'Statement on the defensive strike near Nahr-e Saraj this evening. More details tomorrow.';

function post(
  postId: number,
  text: string,
  createdAt: string,
  handles = ['USFOR_A'],
  platformId = String(postId),
): PostCandidate {
  return {
    postId,
    platform: 'x',
    platformId,
    editIds: [platformId],
    accountId: 1,
    handles,
    text,
    createdAt: new Date(createdAt),
  };
}

const embed = (text: string, date = '2020-03-04', handle = 'USFOR_A'): CandidateReference => ({
  kind: 'embed',
  platform: 'x',
  fingerprint: `x:text:${text.length}`,
  handle,
  date,
  text,
  evidence: { form: 'embed-text', excerpt: text },
});

describe('scorePair', () => {
  const byId: CandidateReference = {
    kind: 'link',
    platform: 'x',
    fingerprint: 'x:id:9',
    citedId: '9',
    handle: 'usfor_a',
    evidence: { form: 'link', excerpt: '' },
  };
  it.each([
    [
      'ID of the post',
      byId,
      post(1, 'x', '2020-03-04T10:00:00Z', ['USFOR_A'], '9'),
      { confidence: 0.95, method: 'id' },
    ],
    [
      'ID in the edit chain',
      byId,
      { ...post(1, 'x', '2020-03-04T10:00:00Z', ['USFOR_A'], '8'), editIds: ['8', '9'] },
      { confidence: 0.95, method: 'id' },
    ],
    [
      'ID with a handle the account never had',
      byId,
      post(1, 'x', '2020-03-04T10:00:00Z', ['Other'], '9'),
      { confidence: 0.665, method: 'id', handleMismatch: true },
    ],
    ['other ID', byId, post(1, 'x', '2020-03-04T10:00:00Z', ['USFOR_A'], '10'), undefined],
    [
      'same text, same day',
      embed(TEXT_A.replace('https://t.co/aaa', 'pic.x.com/aaa')),
      post(1, TEXT_A, '2020-03-04T10:00:00Z'),
      { confidence: 0.95, method: 'text', similarity: 1 },
    ],
    [
      'same text, late on the day before in UTC',
      embed(TEXT_A),
      post(1, TEXT_A, '2020-03-03T22:00:00Z'),
      { confidence: 0.95, method: 'text', similarity: 1 },
    ],
    ['same text two days later', embed(TEXT_A), post(1, TEXT_A, '2020-03-06T01:00:00Z'), undefined],
    ['same text, another account', embed(TEXT_A), post(1, TEXT_A, '2020-03-04T10:00:00Z', ['StateDept']), undefined],
    [
      'unrelated text, same day',
      embed(TEXT_A),
      post(1, 'A ceremony at the embassy today.', '2020-03-04T10:00:00Z'),
      undefined,
    ],
  ])('%s', (_name, c, p, expected) => {
    expect(scorePair(c, p)).toEqual(expected);
  });
});

describe('assignPosts', () => {
  it('gives each embed its own best post, never one post twice, never a lesser post', () => {
    const a = post(1, TEXT_A, '2020-03-04T09:00:00Z');
    const b = post(2, TEXT_B, '2020-03-04T18:00:00Z');
    const lookAlike = post(3, TEXT_A.replace('this morning', 'this afternoon'), '2020-03-05T09:00:00Z');
    const candidates = [embed(TEXT_A), embed(TEXT_B), embed(TEXT_A.slice(0, 60) + '\u2026')];
    const result = assignPosts(candidates, () => [a, b, lookAlike]);
    // The truncated copy designates post 1 as well: the same citation, not the look-alike.
    expect(result.map((r) => [r.post?.postId, r.sameAs?.postId])).toEqual([
      [1, undefined],
      [2, undefined],
      [undefined, 1],
    ]);
    const noLookAlike = assignPosts(candidates.slice(0, 2), () => [lookAlike, b, a]);
    expect(noLookAlike.map((r) => r.post?.postId)).toEqual([1, 2]);
  });
});

describe('differsFromArchive', () => {
  it.each([
    ['same text in other typography', 'It\u2019s done. pic.x.com/a', "It's done. https://t.co/a", false],
    ['a truncated copy of the same text', 'The statement cont\u2026', 'The statement continues here.', false],
    ['a copy of the text before an edit', 'Five fighters were killed.', 'Four fighters were killed.', true],
    ['no copy', undefined, 'Anything', false],
  ])('%s', (_name, witnessed, archived, expected) => {
    expect(differsFromArchive(witnessed, archived)).toBe(expected);
  });
});

describe('assignPosts, quotations several posts say', () => {
  const LINE = 'We urge residents to stay away from the river banks until the water recedes.';
  const monday = post(1, `${LINE} Shelters are open at both high schools.`, '2024-10-07T17:00:00Z');
  const thursday = post(2, `${LINE} The levee inspection continues tonight.`, '2024-10-10T17:00:00Z');
  const friday = new Date('2024-10-11T18:00:00Z');
  const quote = (postedDay?: { weekday: number }): CandidateReference => ({
    kind: 'quote',
    platform: 'x',
    fingerprint: 'x:quote:1',
    handle: 'USFOR_A',
    text: LINE.slice(0, -1),
    evidence: { form: 'prose-quote', excerpt: LINE, unambiguous: true, ...(postedDay ? { postedDay } : {}) },
  });

  it('links none and marks the quotation ambiguous when its sentence names no day', () => {
    const [result] = assignPosts([quote()], () => [monday, thursday], friday);
    expect(result).toMatchObject({ ambiguous: true });
    expect(result!.post).toBeUndefined();
  });

  it('links the post of the day the sentence names', () => {
    expect(assignPosts([quote({ weekday: 1 })], () => [thursday, monday], friday)[0]!.post?.postId).toBe(1);
    expect(assignPosts([quote({ weekday: 4 })], () => [monday, thursday], friday)[0]!.post?.postId).toBe(2);
  });

  it('stays ambiguous when the day named has neither or both', () => {
    expect(assignPosts([quote({ weekday: 3 })], () => [monday, thursday], friday)[0]).toMatchObject({
      ambiguous: true,
    });
  });

  it('links the one post that says it word for word over one that says it in part', () => {
    const edited = post(3, LINE.replace('residents', 'people'), '2024-10-10T17:00:00Z');
    expect(assignPosts([quote()], () => [edited, monday], friday)[0]!.post?.postId).toBe(1);
  });
});

describe('scorePair, a post edited after the article copied it', () => {
  const before = 'The shelter at the sports hall has room for 150 more people tonight. Bring blankets if you can.';
  const edited = { ...post(1, before.replace('150', '40'), '2024-10-10T20:00:00Z'), earlierTexts: [before] };
  const quote: CandidateReference = {
    kind: 'quote',
    platform: 'x',
    fingerprint: 'x:quote:2',
    handle: 'USFOR_A',
    text: 'The shelter at the sports hall has room for 150 more people tonight',
    evidence: { form: 'prose-quote', excerpt: '', unambiguous: true },
  };
  const friday = new Date('2024-10-11T18:00:00Z');

  it('matches a quotation of the earlier text, and says so', () => {
    expect(scorePair(quote, edited, friday)).toEqual({
      confidence: 0.7,
      method: 'text',
      similarity: 1,
      earlierVersion: true,
    });
    expect(scorePair(quote, { ...edited, earlierTexts: [] }, friday)).toBeUndefined();
  });

  it('prefers the current text when both say it', () => {
    const both = { ...quote, text: 'The shelter at the sports hall has room for' };
    expect(scorePair(both, edited, friday)).toEqual({ confidence: 0.7, method: 'text', similarity: 1 });
  });

  it('matches a plain-text embed of the earlier text', () => {
    expect(scorePair(embed(before, '2024-10-10'), edited)).toMatchObject({ similarity: 1, earlierVersion: true });
  });
});
