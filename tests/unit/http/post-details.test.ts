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
/** The page with every run of whitespace made one space, and none before a tag's end or between tags. */
const squash = (html: string) =>
  html
    .replace(/\s+/g, ' ')
    .replace(/\s+(\/?>)/g, (_m, end: string) => (end === '/>' ? ' />' : '>'))
    .replace(/>\s+</g, '><');

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
    // Not captured: a placeholder with the platform's address as text, never loaded from the platform.
    expect(page).toContain('<figcaption>Photo: Gate &lt;A&gt;</figcaption>');
    expect(page).toContain(
      'Photo not captured. Original address: <code class="media-url">https://pbs.twimg.com/media/a.jpg</code>',
    );
    expect(page).not.toMatch(/(src|href|poster)="https:\/\/pbs\.twimg\.com/);
    expect(page).toContain('3_12 (details not archived yet)');
    expect(page).toContain('<li>Tax <span class="votes">3 votes</span></li><li>Visa</li>');
    expect(page).toContain('as captured (closed)');
    expect(page).toContain('<dt>Place</dt><dd>Harbour Town, Example (51.9, 4.5)</dd>');
    expect(page).toContain('<dt>Withheld</dt><dd>in DE, FR</dd>');
  });

  it('media from the archive: a photo, a video with its preview as poster, a GIF; gone and pending files explained', () => {
    const sha = (c: string) => c.repeat(64);
    const video = {
      ...photo,
      key: '7_2',
      type: 'video',
      url: null,
      previewUrl: 'https://pbs.twimg.com/ext_tw_video_thumb/2/pu/img/p.jpg',
      variants: [
        { contentType: 'video/mp4', url: 'https://video.twimg.com/low.mp4', bitRate: 1 },
        { contentType: 'video/mp4', url: 'https://video.twimg.com/high.mp4', bitRate: 2 },
      ],
    };
    const gif = { ...video, key: '16_3', type: 'animated_gif', previewUrl: null, variants: [video.variants[0]!] };
    const gone = { ...photo, key: '3_4', url: 'https://pbs.twimg.com/media/gone.jpg', altText: null };
    const pending = { ...photo, key: '3_5', url: 'https://pbs.twimg.com/media/later.jpg', altText: null };
    const file = (url: string, status: string, sha256: string | null, extra = {}) => ({
      url,
      kind: 'photo',
      status,
      sha256,
      contentType: null,
      goneAt: null,
      httpStatus: null,
      lastError: null,
      ...extra,
    });
    const page = squash(
      renderPostPage({
        post: samplePost({ media: [photo, video, gif, gone, pending], mediaKeys: [] }),
        versions: [],
        citations: [],
        media: [
          file(photo.url, 'stored', sha('a')),
          file('https://video.twimg.com/high.mp4', 'stored', sha('b')),
          file(video.previewUrl, 'stored', sha('c')),
          file('https://video.twimg.com/low.mp4', 'stored', sha('d')),
          file(gone.url, 'gone', null, { httpStatus: 404, goneAt: '2026-03-05T02:00:00.000Z' }),
          file(pending.url, 'pending', null),
        ],
      }),
    );
    expect(page).toContain(
      `<a href="/media/${sha('a')}"><img src="/media/${sha('a')}" alt="Gate &lt;A&gt;" loading="lazy" /></a>`,
    );
    expect(page).toContain(`<video src="/media/${sha('b')}" poster="/media/${sha('c')}" controls preload="metadata">`);
    expect(page).toContain(
      `<video src="/media/${sha('d')}" controls preload="metadata" autoplay loop muted playsinline>`,
    );
    expect(page).toContain('Photo gone from the platform (HTTP 404, noticed ');
    expect(page).toContain('Original address: <code class="media-url">https://pbs.twimg.com/media/gone.jpg</code>');
    expect(page).toContain(
      'Photo not captured yet. Original address: <code class="media-url">https://pbs.twimg.com/media/later.jpg</code>',
    );
    expect(page).not.toMatch(/(src|href|poster)="https:\/\/(pbs|video)\.twimg\.com/);
  });

  it('a plain post has no details list', () => {
    const page = renderPostPage({ post: samplePost(), versions: [], citations: [] });
    expect(page).not.toContain('post-details');
  });
});
