// Posts and events shaped like the outbox's payloads, for the alert tests.
import type { PostView } from '../../src/core/post-view.js';
import type { AlertItem } from '../../src/core/alert-messages.js';

export function samplePost(overrides: Partial<PostView> = {}): PostView {
  const id = overrides.id ?? '1864000000000000001';
  const account = overrides.account === undefined ? 'x:StateDept' : overrides.account;
  return {
    id,
    platform: 'x',
    account,
    text: 'The Secretary will travel to Kyiv on Monday to meet partners.',
    createdAt: '2026-03-04T15:00:00.000Z',
    url: `https://x.com/${account?.slice(2) ?? 'i/web'}/status/${id}`,
    lang: 'en',
    status: 'available',
    edited: false,
    editIds: [id],
    urls: [],
    mentions: [],
    hashtags: [],
    cashtags: [],
    media: [],
    mediaKeys: [],
    referencedPosts: [],
    repostOf: null,
    withheld: null,
    poll: null,
    geo: null,
    conversationId: id,
    inReplyToUserId: null,
    firstSeenAt: '2026-03-04T15:00:05.000Z',
    firstSeenBy: 'poll',
    statusChangedAt: null,
    ...overrides,
  };
}

export function sampleItem(overrides: Partial<AlertItem> = {}): AlertItem {
  return {
    eventId: 7,
    kind: 'new',
    at: new Date('2026-03-04T15:00:06.000Z'),
    post: samplePost(),
    ...overrides,
  };
}
