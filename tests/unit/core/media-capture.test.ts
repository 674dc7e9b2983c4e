// Which media files a version's media give, from which addresses, and what a
// failed download means for the queue.
import { describe, expect, it } from 'vitest';
import {
  bestVariant,
  downloadCandidates,
  extensionOf,
  isInlineMediaType,
  MEDIA_MAX_ATTEMPTS,
  mediaToCapture,
  originalSizeUrl,
  retryVerdict,
} from '../../../src/core/media-capture.js';
import type { NormalizedMedia } from '../../../src/core/post-model.js';

const media = (m: Partial<NormalizedMedia> & Pick<NormalizedMedia, 'key' | 'type'>): NormalizedMedia => ({
  url: null,
  previewUrl: null,
  altText: null,
  width: null,
  height: null,
  durationMs: null,
  variants: [],
  ...m,
});

// The shapes of X's includes.media: a photo has `url`; a video or GIF has a
// preview and variants (an HLS playlist without bit_rate, MP4s with one).
const PHOTO = media({ key: '3_1', type: 'photo', url: 'https://pbs.twimg.com/media/Gabc123XYZ.jpg' });
const VIDEO = media({
  key: '7_2',
  type: 'video',
  previewUrl: 'https://pbs.twimg.com/ext_tw_video_thumb/2/pu/img/Xy12.jpg',
  variants: [
    {
      contentType: 'application/x-mpegURL',
      url: 'https://video.twimg.com/ext_tw_video/2/pu/pl/abc.m3u8?tag=12',
      bitRate: null,
    },
    {
      contentType: 'video/mp4',
      url: 'https://video.twimg.com/ext_tw_video/2/pu/vid/640x360/abc.mp4?tag=12',
      bitRate: 832000,
    },
    {
      contentType: 'video/mp4',
      url: 'https://video.twimg.com/ext_tw_video/2/pu/vid/1280x720/abc.mp4?tag=12',
      bitRate: 2176000,
    },
    {
      contentType: 'video/mp4',
      url: 'https://video.twimg.com/ext_tw_video/2/pu/vid/320x180/abc.mp4?tag=12',
      bitRate: 256000,
    },
  ],
});
const GIF = media({
  key: '16_3',
  type: 'animated_gif',
  previewUrl: 'https://pbs.twimg.com/tweet_video_thumb/Gq.jpg',
  variants: [{ contentType: 'video/mp4', url: 'https://video.twimg.com/tweet_video/Gq.mp4', bitRate: 0 }],
});

describe('mediaToCapture', () => {
  it('takes the photo, the best video variant, the GIF and both previews, in order', () => {
    expect(mediaToCapture([PHOTO, VIDEO, GIF])).toEqual([
      { url: 'https://pbs.twimg.com/media/Gabc123XYZ.jpg', kind: 'photo', mediaKey: '3_1', position: 0 },
      {
        url: 'https://video.twimg.com/ext_tw_video/2/pu/vid/1280x720/abc.mp4?tag=12',
        kind: 'video',
        mediaKey: '7_2',
        position: 1,
      },
      {
        url: 'https://pbs.twimg.com/ext_tw_video_thumb/2/pu/img/Xy12.jpg',
        kind: 'preview',
        mediaKey: '7_2',
        position: 1,
      },
      { url: 'https://video.twimg.com/tweet_video/Gq.mp4', kind: 'animated_gif', mediaKey: '16_3', position: 2 },
      { url: 'https://pbs.twimg.com/tweet_video_thumb/Gq.jpg', kind: 'preview', mediaKey: '16_3', position: 2 },
    ]);
  });

  it('skips what cannot be downloaded: no url, only a playlist, not http(s); each address once', () => {
    const playlistOnly = media({ key: '7_9', type: 'video', variants: [VIDEO.variants[0]!] });
    const noUrl = media({ key: '3_9', type: 'photo' });
    const data = media({ key: '3_8', type: 'photo', url: 'data:image/png;base64,AAAA' });
    expect(mediaToCapture([playlistOnly, noUrl, data, PHOTO, PHOTO])).toEqual([
      { url: PHOTO.url, kind: 'photo', mediaKey: '3_1', position: 3 },
    ]);
  });

  it('picks the highest bit rate; variants without one come last; a playlist never', () => {
    expect(bestVariant(VIDEO.variants)?.bitRate).toBe(2176000);
    expect(bestVariant([{ contentType: 'video/mp4', url: 'https://v/a.mp4', bitRate: null }])?.url).toBe(
      'https://v/a.mp4',
    );
    expect(bestVariant([VIDEO.variants[0]!])).toBeNull();
  });
});

describe('original size', () => {
  it.each([
    ['https://pbs.twimg.com/media/Gabc123XYZ.jpg', 'https://pbs.twimg.com/media/Gabc123XYZ?format=jpg&name=orig'],
    ['https://pbs.twimg.com/media/Gabc123XYZ.png', 'https://pbs.twimg.com/media/Gabc123XYZ?format=png&name=orig'],
    ['https://pbs.twimg.com/media/Gabc123XYZ.jpg:large', 'https://pbs.twimg.com/media/Gabc123XYZ?format=jpg&name=orig'],
    [
      'https://pbs.twimg.com/media/Gabc123XYZ?format=jpg&name=small',
      'https://pbs.twimg.com/media/Gabc123XYZ?format=jpg&name=orig',
    ],
    [
      'https://pbs.twimg.com/ext_tw_video_thumb/2/pu/img/Xy12.jpg',
      'https://pbs.twimg.com/ext_tw_video_thumb/2/pu/img/Xy12?format=jpg&name=orig',
    ],
    // Not X's image host, or no format known: as given.
    ['https://video.twimg.com/tweet_video/Gq.mp4', 'https://video.twimg.com/tweet_video/Gq.mp4'],
    ['https://cdn.example/media/a.jpg', 'https://cdn.example/media/a.jpg'],
    ['https://pbs.twimg.com/media/Gabc123XYZ', 'https://pbs.twimg.com/media/Gabc123XYZ'],
  ])('%s → %s', (url, expected) => {
    expect(originalSizeUrl(url)).toBe(expected);
  });

  it('tries the original size first, then the address as given; videos as given', () => {
    expect(downloadCandidates(PHOTO.url!, 'photo')).toEqual([
      'https://pbs.twimg.com/media/Gabc123XYZ?format=jpg&name=orig',
      PHOTO.url,
    ]);
    expect(downloadCandidates(VIDEO.variants[2]!.url, 'video')).toEqual([VIDEO.variants[2]!.url]);
    expect(downloadCandidates('https://cdn.example/a.jpg', 'photo')).toEqual(['https://cdn.example/a.jpg']);
  });
});

describe('retries', () => {
  const now = new Date('2026-03-05T00:00:00Z');
  it.each([
    [1, 0, 30_000],
    [1, 1, 60_000],
    [3, 1, 240_000],
    [MEDIA_MAX_ATTEMPTS - 1, 1, 6 * 3600_000],
  ])('attempt %i (random %d) is tried again %i ms later at the latest', (attempts, random, delay) => {
    expect(retryVerdict(attempts, now, () => random)).toEqual({ kind: 'retry', at: new Date(+now + delay) });
  });

  it('gives up after the last attempt', () => {
    expect(retryVerdict(MEDIA_MAX_ATTEMPTS, now)).toEqual({ kind: 'failed' });
  });
});

describe('serving', () => {
  it.each([
    ['image/jpeg', true, 'jpg'],
    ['image/png', true, 'png'],
    ['video/mp4', true, 'mp4'],
    ['image/gif', true, 'gif'],
    ['text/html', false, 'bin'],
    ['image/svg+xml', false, 'bin'],
    [null, false, 'bin'],
  ])('%s: inline %s, extension %s', (type, inline, ext) => {
    expect([isInlineMediaType(type), extensionOf(type)]).toEqual([inline, ext]);
  });
});
