// Embeds of Bluesky posts, normalized: images (keyed by blob CID, with alt
// text), video, link cards, quoted posts (also when gone), quotes with media,
// embedded feeds, media the view does not show, unknown and broken embeds.
import { describe, expect, it } from 'vitest';
import { normalizePostView } from '../../../src/core/bsky-normalize.js';
import type { NormalizeProblem } from '../../../src/core/post-model.js';
import {
  BLOB_1,
  BLOB_2,
  CID_A,
  COASTGUARD,
  fullsize,
  imageBlob,
  MINISTRY,
  postUri,
  postView,
  thumb,
} from './bsky-views.js';

function normalize(view: unknown) {
  const problems: NormalizeProblem[] = [];
  const post = normalizePostView(view, 'data', problems);
  return { post, problems };
}

const URI = postUri(MINISTRY.did, '3mfxgngbz4222');

const imagesRecord = {
  $type: 'app.bsky.embed.images',
  images: [
    { alt: 'Map of the flooded districts', image: imageBlob(BLOB_1), aspectRatio: { width: 1200, height: 800 } },
    { alt: '', image: imageBlob(BLOB_2) },
  ],
};
const imagesView = {
  $type: 'app.bsky.embed.images#view',
  images: [
    {
      thumb: thumb(MINISTRY.did, BLOB_1),
      fullsize: fullsize(MINISTRY.did, BLOB_1),
      alt: 'Map of the flooded districts',
      aspectRatio: { width: 1200, height: 800 },
    },
    { thumb: thumb(MINISTRY.did, BLOB_2), fullsize: fullsize(MINISTRY.did, BLOB_2), alt: '' },
  ],
};
const QUOTED = postUri(COASTGUARD.did, '3mfwzzq2ab22x');
const quoteRecord = { $type: 'app.bsky.embed.record', record: { uri: QUOTED, cid: CID_A } };
const quoteView = {
  $type: 'app.bsky.embed.record#view',
  record: { $type: 'app.bsky.embed.record#viewNotFound', uri: QUOTED, notFound: true },
};

describe('embeds', () => {
  it('images become media keyed by blob CID, with their alt text (an empty alt is none)', () => {
    const { post, problems } = normalize(postView({ record: { embed: imagesRecord }, embed: imagesView }));
    expect(problems).toEqual([]);
    expect(post!.mediaKeys).toEqual([BLOB_1, BLOB_2]);
    expect(post!.media).toEqual([
      {
        key: BLOB_1,
        type: 'photo',
        url: fullsize(MINISTRY.did, BLOB_1),
        previewUrl: thumb(MINISTRY.did, BLOB_1),
        altText: 'Map of the flooded districts',
        width: 1200,
        height: 800,
        durationMs: null,
        variants: [],
      },
      {
        key: BLOB_2,
        type: 'photo',
        url: fullsize(MINISTRY.did, BLOB_2),
        previewUrl: thumb(MINISTRY.did, BLOB_2),
        altText: null,
        width: null,
        height: null,
        durationMs: null,
        variants: [],
      },
    ]);
  });

  it('a video shown as a GIF is an animated GIF with its playlist', () => {
    const playlist = `https://video.bsky.app/watch/${encodeURIComponent(MINISTRY.did)}/${BLOB_1}/playlist.m3u8`;
    const view = postView({
      record: { embed: { $type: 'app.bsky.embed.video', video: { ...imageBlob(BLOB_1), mimeType: 'video/mp4' } } },
      embed: { $type: 'app.bsky.embed.video#view', cid: BLOB_1, playlist, alt: 'Rescue boat', presentation: 'gif' },
    });
    expect(normalize(view).post!.media).toEqual([
      expect.objectContaining({ key: BLOB_1, type: 'animated_gif', url: playlist, altText: 'Rescue boat' }),
    ]);
  });

  it('a quoted post is a reference, even when the quoted post is gone', () => {
    const { post, problems } = normalize(postView({ record: { embed: quoteRecord }, embed: quoteView }));
    expect(problems).toEqual([]);
    expect(post!.referencedPosts).toEqual([{ type: 'quoted', id: QUOTED }]);
  });

  it('a quote with media keeps both', () => {
    const view = postView({
      record: { embed: { $type: 'app.bsky.embed.recordWithMedia', record: quoteRecord, media: imagesRecord } },
      embed: { $type: 'app.bsky.embed.recordWithMedia#view', record: quoteView, media: imagesView },
    });
    const { post } = normalize(view);
    expect(post!.referencedPosts).toEqual([{ type: 'quoted', id: QUOTED }]);
    expect(post!.mediaKeys).toEqual([BLOB_1, BLOB_2]);
  });

  it('an embedded feed or list is not a quoted post', () => {
    const feed = `at://${COASTGUARD.did}/app.bsky.feed.generator/alerts`;
    const view = postView({ record: { embed: { $type: 'app.bsky.embed.record', record: { uri: feed, cid: CID_A } } } });
    expect(normalize(view).post!.referencedPosts).toEqual([]);
  });

  it('images the view does not show are kept by CID and reported', () => {
    const { post, problems } = normalize(postView({ record: { embed: imagesRecord } }));
    expect(post!.media.map((m) => [m.key, m.url, m.altText])).toEqual([
      [BLOB_1, null, 'Map of the flooded districts'],
      [BLOB_2, null, null],
    ]);
    expect(problems).toEqual([{ platformId: URI, code: 'media_missing', message: expect.stringMatching(/2 image/) }]);
  });

  it('an embed type this reader does not know is passed over; a known one without its shape is reported', () => {
    const unknown = normalize(postView({ record: { embed: { $type: 'app.example.embed.poll', options: [] } } }));
    expect(unknown.problems).toEqual([]);
    const broken = normalize(postView({ record: { embed: { $type: 'app.bsky.embed.images', images: 'none' } } }));
    expect(broken.post!.media).toEqual([]);
    expect(broken.problems).toEqual([
      {
        platformId: URI,
        code: 'bad_payload',
        message: expect.stringMatching(/^embed app\.bsky\.embed\.images: images/),
      },
    ]);
  });
});
