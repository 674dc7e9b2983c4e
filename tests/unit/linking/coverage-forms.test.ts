// Plain-text signatures whose display names hold separators and emoji, posts
// printed over several lines or after a lead-in, pages that reprint one post
// under a header, short quotations, and how open quotations match.
import { describe, expect, it } from 'vitest';
import { splitNamePrefix, textForms } from '../../../src/core/article-detect.js';
import { findTextEmbeds, parseSignature } from '../../../src/core/x-citations.js';
import { findReprintedPost } from '../../../src/core/x-page-reprint.js';
import {
  assignPosts,
  containsQuote,
  differsFromArchive,
  scorePair,
  type PostCandidate,
} from '../../../src/core/article-match.js';
import type { CandidateReference } from '../../../src/core/article-detect.js';
import { DEFAULT_STATUS_HOSTS } from '../../../src/core/x-status-url.js';

const POST = 'Crews contained the brush fire near Miller Road at 40 acres. Evacuation orders are lifted.';

describe('signatures with separators and emoji in the display name', () => {
  it.each([
    ['\u2014 Jane Doe - Ministry of Ports (@JDoe) May 14, 2024', 'Jane Doe - Ministry of Ports'],
    ['\u2014 Jane Doe | Ministry (@JDoe) May 14, 2024', 'Jane Doe | Ministry'],
    [
      '\u2014 \u{1F692} River County Fire \u2013 Rescue (@JDoe) May 14, 2024',
      '\u{1F692} River County Fire \u2013 Rescue',
    ],
  ])('%s', (line, name) => {
    expect(parseSignature(line)).toMatchObject({ name, handle: 'JDoe', date: '2024-05-14' });
  });

  it.each([
    [`${POST} \u2014 Jane Doe - Ministry (@JDoe) May 14, 2024`, 'Jane Doe - Ministry'],
    [`${POST} -- Jane Doe - Ministry (@JDoe) May 14, 2024`, 'Jane Doe - Ministry'],
    [`${POST} \u2014 Ops \u2014 Night Desk (@JDoe) May 14, 2024`, 'Ops \u2014 Night Desk'],
  ])('keeps the post text whole when the signature shares its line: %s', (line, name) => {
    const [found] = findTextEmbeds(`Context.\n\n${line}\n\nMore.`);
    expect(found).toMatchObject({ text: POST, name, handle: 'JDoe' });
  });

  it('splits at the line-start dash, else the strongest separator leaving a display name', () => {
    expect(splitNamePrefix('\u2014 Jane Doe - Ministry ')).toEqual({ before: '', name: 'Jane Doe - Ministry' });
    expect(splitNamePrefix('Talks - phase 2 \u2014 Jane - Ministry ')?.name).toBe('Jane - Ministry');
    expect(splitNamePrefix('Jane Doe ')).toBeUndefined();
  });
});

describe('the forms a plain-text embed may take', () => {
  it('offers the lines above and the text without a lead-in', () => {
    expect(textForms(['Burn ban stays in place.', 'The department added: Report smoke to 911.'])).toEqual({
      text: 'The department added: Report smoke to 911.',
      variants: ['Burn ban stays in place.\nThe department added: Report smoke to 911.', 'Report smoke to 911.'],
    });
  });

  it('an article of single newlines keeps every line of the post as a variant', () => {
    const body =
      'Context line.\nBurn ban stays in place.\nReport smoke to 911.\n\u2014 Fire (@RCFire) May 14, 2024\nAfter.';
    const [found] = findTextEmbeds(body);
    expect(found?.text).toBe('Report smoke to 911.');
    expect(found?.textVariants).toContain('Burn ban stays in place.\nReport smoke to 911.');
  });
});

const post = (postId: number, text: string, createdAt: string, handles = ['RCFire']): PostCandidate => ({
  postId,
  platform: 'x',
  platformId: String(postId),
  editIds: [String(postId)],
  accountId: 1,
  handles,
  text,
  createdAt: new Date(createdAt),
});

describe('matching the forms', () => {
  it('links the form closest to the post and reports it as the article copy, not differing', () => {
    const [found] = findTextEmbeds(
      'Context.\nThe department added in a second message: Burn ban stays in place through Sunday. Please report any smoke to 911.\n\u2014 Fire (@RCFire) May 14, 2024',
    );
    const archived = 'Burn ban stays in place through Sunday. Please report any smoke to 911.';
    const score = scorePair(found!, post(1, archived, '2024-05-14T10:00:00Z'));
    expect(score?.witnessed).toBe(archived);
    expect(differsFromArchive(score?.witnessed, archived)).toBe(false);
    expect(differsFromArchive(found!.text, archived)).toBe(true);
  });
});

const quote = (text: string, handle = 'RCFire'): CandidateReference => ({
  kind: 'quote',
  platform: 'x',
  fingerprint: `x:quote:${text}`,
  handle,
  text,
  evidence: { form: 'prose-quote', excerpt: text, unambiguous: true },
});
const PUBLISHED = new Date('2024-05-14T20:00:00Z');

describe('short quotations', () => {
  it('link the one post of the day that says them', () => {
    const posts = [
      post(1, POST, '2024-05-14T10:00:00Z'),
      post(2, 'Road closures on Oak Street.', '2024-05-14T11:00:00Z'),
    ];
    const [a] = assignPosts([quote('evacuation orders are lifted')], () => posts, PUBLISHED);
    expect(a?.post?.postId).toBe(1);
  });

  it('link nothing when two posts of the day say them, or only a post of another day', () => {
    const twice = [post(1, POST, '2024-05-14T10:00:00Z'), post(2, `Again: ${POST}`, '2024-05-14T12:00:00Z')];
    expect(assignPosts([quote('evacuation orders are lifted')], () => twice, PUBLISHED)[0]?.post).toBeUndefined();
    const earlier = [post(1, POST, '2024-05-08T10:00:00Z')];
    expect(assignPosts([quote('evacuation orders are lifted')], () => earlier, PUBLISHED)[0]?.post).toBeUndefined();
  });
});

describe('open quotations', () => {
  const q = quote('Crews contained the brush fire near Miller Road');
  it('resolve on arrival only to a post containing them word for word', () => {
    const near = post(1, 'Crews contained the grass fire near Miller Road at 40 acres.', '2024-05-14T10:00:00Z');
    expect(scorePair(q, near, PUBLISHED)).toBeDefined();
    expect(scorePair(q, near, PUBLISHED, { containedOnly: true })).toBeUndefined();
    expect(scorePair(q, post(2, POST, '2024-05-14T10:00:00Z'), PUBLISHED, { containedOnly: true })).toMatchObject({
      similarity: 1,
    });
  });

  it.each([
    ['Crews contained the brush fire', true],
    ['Crews contained \u2026 the brush fire near Miller Road', true],
    ['contained the [brush] fire near Miller Road', true],
    ['Crews contained the fire', false],
    ['ews contained the brush fire', false],
  ])('containsQuote %s', (text, expected) => {
    expect(containsQuote(text, POST)).toBe(expected);
  });
});

describe('pages reprinting one post under a header', () => {
  const url = 'https://x.com/RCFire/status/1790000000000000001';
  it('takes the post from the header and the ID from the address', () => {
    const page = `River County Fire\n@RCFire\n\n${POST}\n\n10:42 AM \u00b7 May 14, 2024\n1,204 Reposts`;
    expect(findReprintedPost(page, url, DEFAULT_STATUS_HOSTS)).toMatchObject({
      kind: 'embed',
      citedId: '1790000000000000001',
      handle: 'RCFire',
      name: 'River County Fire',
      text: POST,
      evidence: { form: 'page-header', url },
    });
  });

  it('finds nothing when the header names another account or the address is no status', () => {
    const page = `Someone Else\n@Other\n\n${POST}`;
    expect(findReprintedPost(page, url, DEFAULT_STATUS_HOSTS)).toBeUndefined();
    expect(
      findReprintedPost(`River County Fire\n@RCFire\n\n${POST}`, 'https://news.example/a', DEFAULT_STATUS_HOSTS),
    ).toBeUndefined();
  });
});
