// How articles cite Mastodon posts: an article page written for this test
// (its markup follows the embed codes Mastodon servers hand out: the older
// iframe and the blockquote placeholder of 4.3+), read by the real
// extraction, then detected. Only servers of watched Mastodon accounts count.
import { describe, expect, it } from 'vitest';
import { detectReferences, type WatchedAccount } from '../../../src/core/article-detect.js';
import { createCitationDetectors } from '../../../src/core/citation-detectors.js';
import { detectMastodonCitations, watchedServers } from '../../../src/core/mastodon-citations.js';
import { extractHtml } from '../../../src/adapters/articles/extract.js';

const WATCHED: WatchedAccount[] = [
  { platform: 'x', handle: 'USFOR_A', displayName: 'USFOR-A' },
  { platform: 'mastodon', handle: 'minister@gov.example', displayName: 'Minister of Harbours' },
  { platform: 'mastodon', handle: 'press@Social.Gov.Example', displayName: 'Press Office' },
];

const ARTICLE = `<!doctype html>
<html><head><title>Harbour works to close the north gate</title>
<link rel="canonical" href="https://news.example/2026/03/harbour-gate"></head>
<body><article>
<h1>Harbour works to close the north gate</h1>
<p>The ministry announced the closure on its Mastodon account on Wednesday morning, a week before the works begin.</p>
<iframe src="https://gov.example/@minister/110123456789012345/embed" class="mastodon-embed"
  style="max-width: 100%; border: 0" width="400" allowfullscreen="allowfullscreen"></iframe>
<script src="https://gov.example/embed.js" async="async"></script>
<p>The press office added details about the detour later that day.</p>
<blockquote class="mastodon-embed" data-embed-url="https://social.gov.example/@press/110123456789099999/embed"
  style="background: #FCF8FF; border-radius: 8px;">
  <a href="https://social.gov.example/@press/110123456789099999" target="_blank">
    <div>Post by @press@social.gov.example</div><div>View on Mastodon</div></a>
</blockquote>
<script data-allowed-prefixes="https://social.gov.example/" async src="https://social.gov.example/embed.js"></script>
<p>An earlier statement (<a href="https://gov.example/@minister/110120000000000001">read it here</a>) had
promised that the gate would stay open. A blogger's post at https://blog.example/@someone/123456 disagreed, and
a local forum linked https://forum.example/@harbourfan/777 without comment.</p>
<p>The minister repeated it at https://gov.example/@minister/110120000000000002 the same evening.</p>
<iframe src="https://video.example/embed/abc"></iframe>
</article></body></html>`;

function summary(candidates: ReturnType<typeof detectReferences>) {
  return candidates.map((c) => [c.platform, c.kind, c.evidence.form, c.citedId, c.handle]);
}

describe('Mastodon citations in an article', () => {
  it('finds the iframe, the blockquote placeholder and status links on watched servers, and nothing else', () => {
    const content = extractHtml(ARTICLE, 'https://news.example/2026/03/harbour-gate');
    expect(content.embedUrls).toEqual([
      'https://gov.example/@minister/110123456789012345/embed',
      'https://social.gov.example/@press/110123456789099999/embed',
      'https://video.example/embed/abc',
    ]);
    // Every link is also a press-release candidate (the feed detector): this test looks at the others.
    const found = detectReferences(content, { detectors: createCitationDetectors(), watched: WATCHED }).filter(
      (c) => c.platform !== 'feed',
    );
    expect(summary(found.filter((c) => c.kind !== 'quote'))).toEqual([
      ['mastodon', 'embed', 'embed-markup', 'gov.example:110123456789012345', 'minister@gov.example'],
      ['mastodon', 'embed', 'embed-markup', 'social.gov.example:110123456789099999', 'press@social.gov.example'],
      ['mastodon', 'link', 'link', 'gov.example:110120000000000001', 'minister@gov.example'],
      ['mastodon', 'link', 'url-in-text', 'gov.example:110120000000000002', 'minister@gov.example'],
    ]);
    const embed = found[0]!;
    expect(embed.fingerprint).toBe('mastodon:id:gov.example:110123456789012345');
    expect(embed.evidence).toEqual({
      form: 'embed-markup',
      excerpt: 'https://gov.example/@minister/110123456789012345/embed',
      url: 'https://gov.example/@minister/110123456789012345/embed',
    });
    expect(found[2]!.evidence).toMatchObject({ excerpt: 'read it here' });
  });

  it('counts nothing when no Mastodon account is watched (an /@user/<id> URL is not a post on every site)', () => {
    const content = extractHtml(ARTICLE, 'https://news.example/2026/03/harbour-gate');
    expect(detectMastodonCitations(content, WATCHED.slice(0, 1))).toEqual([]);
    const elsewhere: WatchedAccount = { platform: 'mastodon', handle: 'mayor@city.example', displayName: null };
    expect(detectMastodonCitations(content, [elsewhere])).toEqual([]);
    // Watching an account of blog.example makes its status URLs count, and only them.
    const blogger: WatchedAccount = { platform: 'mastodon', handle: 'someone@blog.example', displayName: null };
    expect(detectMastodonCitations(content, [blogger]).map((c) => c.citedId)).toEqual(['blog.example:123456']);
  });

  it('reads the servers of watched Mastodon accounts only, lowercased, skipping handles without one', () => {
    expect([...watchedServers([...WATCHED, { platform: 'mastodon', handle: 'no-server', displayName: null }])]).toEqual(
      ['gov.example', 'social.gov.example'],
    );
  });

  it('reads status URLs in plain text in linear time, however hostile the text', () => {
    const text = `${'https://gov.example/@'.repeat(20_000)} https://gov.example/@minister/5`;
    const started = performance.now();
    const found = detectMastodonCitations({ text, embeds: [], links: [] }, WATCHED);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(found.map((c) => c.citedId)).toEqual(['gov.example:5']);
  });
});
