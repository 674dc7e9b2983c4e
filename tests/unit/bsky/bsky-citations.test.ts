// How articles cite Bluesky posts, from the page to the candidates: the
// embed markup (read by extraction, found by Bluesky's detector), its
// plain-text form, permalinks by DID and by handle in anchors and in the
// text; X's detector sees none of them and Bluesky's none of X's.
import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../../src/adapters/articles/extract.js';
import { detectReferences, type ArticleContent } from '../../../src/core/article-detect.js';
import { createCitationDetectors } from '../../../src/core/citation-detectors.js';
import { parseBskySignature } from '../../../src/core/bsky-citations.js';
import { bskyEmbedMarkup, harbourReport, type EmbeddedPost } from '../../fixtures/bsky/articles.js';
import { CID_A, MINISTRY, postUri } from './bsky-views.js';

const detectors = createCitationDetectors();
// Every link is also a press-release candidate (the feed detector): these tests look at the others.
const detect = (content: ArticleContent) =>
  detectReferences(content, { detectors, watched: [] }).filter((c) => c.platform !== 'feed');

const POST: EmbeddedPost = {
  uri: postUri(MINISTRY.did, '3mfxgngbz4222'),
  cid: CID_A,
  did: MINISTRY.did,
  handle: MINISTRY.handle,
  displayName: MINISTRY.displayName,
  text: 'The north harbour is closed until further notice.\nFerries leave from the south quay.',
  printedAt: 'March 4, 2026 at 12:14 PM',
  hasMedia: true,
};
const PERMALINK = `https://bsky.app/profile/${MINISTRY.did}/post/3mfxgngbz4222?ref_src=embed`;

describe('the embed markup', () => {
  it('is read by extraction with its class, data attributes and links', () => {
    const page = extractArticle(harbourReport(POST));
    expect(page.embeds).toEqual([
      {
        text: 'The north harbour is closed until further notice.\nFerries leave from the south quay.\n\n[image or embed]',
        attribution: `— Ministry of Examples (@${MINISTRY.handle}) March 4, 2026 at 12:14 PM`,
        className: 'bluesky-embed',
        data: { 'bluesky-uri': POST.uri, 'bluesky-cid': CID_A, 'bluesky-embed-color-mode': 'system' },
        links: [PERMALINK, `https://bsky.app/profile/${MINISTRY.did}?ref_src=embed`, PERMALINK],
      },
    ]);
    // The embed's own links are not the article's.
    expect(page.links.filter((l) => l.href.includes('bsky.app'))).toEqual([]);
  });

  it('cites the post by its AT URI, with the account, the printed date and the text without the media marker', () => {
    expect(detect(extractArticle(harbourReport(POST)))).toEqual([
      {
        kind: 'embed',
        platform: 'bsky',
        fingerprint: `bsky:id:${POST.uri}`,
        citedId: POST.uri,
        handle: MINISTRY.handle,
        name: 'Ministry of Examples',
        date: '2026-03-04',
        text: 'The north harbour is closed until further notice.\nFerries leave from the south quay.',
        evidence: {
          form: 'embed-markup',
          excerpt: expect.stringContaining('The north harbour is closed'),
          url: PERMALINK,
          signature: `— Ministry of Examples (@${MINISTRY.handle}) March 4, 2026 at 12:14 PM`,
        },
      },
    ]);
  });

  it('without its data attribute, is cited by the permalink inside it', () => {
    const html = `<p>Lead.</p>${bskyEmbedMarkup(POST).replace(/ data-bluesky-[a-z-]+="[^"]*"/g, '')}<p>More.</p>`;
    const [embed] = detect(extractArticle(html));
    expect(embed).toMatchObject({ kind: 'embed', citedId: POST.uri, evidence: { url: PERMALINK } });
  });

  it('in its plain-text form (a reader view without the markup), is cited by account, date and text', () => {
    const text = [
      'The ministry wrote:',
      '',
      'The north harbour is closed until further notice.',
      '',
      `— Ministry of Examples (@${MINISTRY.handle}) March 4, 2026 at 12:14 PM`,
      '',
      'Crews moved their boats.',
    ].join('\n');
    expect(detect(extractArticle(text, { kind: 'text' }))).toEqual([
      expect.objectContaining({
        kind: 'embed',
        platform: 'bsky',
        handle: MINISTRY.handle,
        name: 'Ministry of Examples',
        date: '2026-03-04',
        text: 'The north harbour is closed until further notice.',
        evidence: expect.objectContaining({ form: 'embed-text' }),
      }),
    ]);
  });
});

describe('permalinks', () => {
  it('in anchors and in the text cite the post; one by handle keeps the handle for resolution', () => {
    const html = `<article><p>It <a href="https://bsky.app/profile/Ministry.Example.gov/post/3mfyaaaaaaaaa">said</a> so.</p>
      <p>Earlier: https://bsky.app/profile/${MINISTRY.did}/post/3mfxgngbz4222 and again
      bsky.app/profile/${MINISTRY.did}/post/3mfxgngbz4222.</p></article>`;
    const found = detect(extractArticle(html));
    expect(found.map((c) => [c.kind, c.citedId, c.handle, c.evidence.form])).toEqual([
      ['link', 'at://ministry.example.gov/app.bsky.feed.post/3mfyaaaaaaaaa', 'ministry.example.gov', 'link'],
      ['link', POST.uri, undefined, 'url-in-text'],
    ]);
  });

  it('of profiles, feeds and lists are not posts', () => {
    const html = `<p><a href="https://bsky.app/profile/${MINISTRY.handle}">profile</a>
      <a href="https://bsky.app/profile/${MINISTRY.handle}/feed/harbour">feed</a>
      <a href="https://bsky.app/profile/${MINISTRY.handle}/lists/3mfx">list</a>
      <a href="https://example.com/profile/${MINISTRY.handle}/post/3mfxgngbz4222">elsewhere</a></p>`;
    expect(detect(extractArticle(html))).toEqual([]);
  });
});

describe('the two platforms apart', () => {
  it('an X embed is X’s only', () => {
    const html = `<blockquote class="twitter-tweet"><p lang="en">Harbour closed.</p>&mdash; Ministry (@Ministry_Ex)
      <a href="https://twitter.com/Ministry_Ex/status/1235243970720694456">March 4, 2026</a></blockquote>`;
    expect(detect(extractArticle(html)).map((c) => [c.platform, c.citedId])).toEqual([['x', '1235243970720694456']]);
  });

  it('a Bluesky signature is not an X one, nor the reverse', () => {
    expect(parseBskySignature('— Ministry (@ministry.example.gov) March 4, 2026 at 12:14 PM')).toEqual({
      name: 'Ministry',
      handle: 'ministry.example.gov',
      date: '2026-03-04',
    });
    expect(parseBskySignature('— Ministry (@Ministry_Ex) March 4, 2026')).toBeUndefined();
    const xText = 'The north harbour is closed until further notice.\n\n— Ministry (@Ministry_Ex) March 4, 2026';
    expect(detect(extractArticle(xText, { kind: 'text' })).filter((c) => c.platform === 'bsky')).toEqual([]);
  });
});
