import { describe, expect, it } from 'vitest';
import { renderPostPage } from '../../../src/http/pages/record-pages.js';
import { samplePost } from '../../helpers/alert-fixtures.js';

const photo = {
  key: '3_11',
  type: 'photo',
  url: 'https://pbs.twimg.com/media/a.jpg',
  previewUrl: null,
  altText: 'Gate <A>',
  width: 1,
  height: 1,
  durationMs: null,
  variants: [],
};

/** The page without the layout's whitespace between tags. */
const flat = (html: string) => html.replace(/>\s+</g, '><');

describe('the post page shows what a post carries', () => {
  it('repost, links, cashtags, media (with and without details), poll, place and withheld, escaped once', () => {
    const page = flat(
      renderPostPage({
        post: samplePost({
          text: 'Q&A <today>',
          repostOf: '1864000000000000000',
          urls: ['https://example.gov/a?b=1&c=2'],
          cashtags: ['EXMP'],
          media: [photo],
          mediaKeys: ['3_11', '3_12'],
          poll: {
            id: '9',
            options: [
              { position: 1, label: 'Tax', votes: 3 },
              { position: 2, label: 'Visa', votes: null },
            ],
            votingStatus: 'closed',
            durationMinutes: 60,
            endsAt: null,
          },
          geo: { placeId: 'p1', coordinates: [4.5, 51.9], place: { fullName: 'Harbour Town', country: 'Example' } },
          withheld: { copyright: false, countryCodes: ['DE', 'FR'], scope: 'tweet' },
        }),
        versions: [],
        citations: [],
      }),
    );
    expect(page).toContain('<p class="text">Q&amp;A &lt;today&gt;</p>');
    expect(page).toContain('<dt>Repost of</dt><dd><a href="/posts/x/1864000000000000000">1864000000000000000</a></dd>');
    expect(page).toContain('href="https://example.gov/a?b=1&amp;c=2"');
    expect(page).toContain('<dt>Cashtags</dt><dd>$EXMP</dd>');
    expect(page).toContain('photo: Gate &lt;A&gt;</a>');
    expect(page).toContain('3_12 (details not archived yet)');
    expect(page).toContain('<li>Tax <span class="votes">3 votes</span></li><li>Visa</li>');
    expect(page).toContain('as captured (closed)');
    expect(page).toContain('<dt>Place</dt><dd>Harbour Town, Example (51.9, 4.5)</dd>');
    expect(page).toContain('<dt>Withheld</dt><dd>in DE, FR</dd>');
  });

  it('a plain post has no details list', () => {
    const page = renderPostPage({ post: samplePost(), versions: [], citations: [] });
    expect(page).not.toContain('post-details');
  });
});
