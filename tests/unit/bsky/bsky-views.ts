// Hand-written AppView payloads for the Bluesky normalizer's unit tests,
// shaped as the app.bsky lexicons define them (feed.defs#postView,
// #feedViewPost, embed.*#view). Accounts and texts are invented; CIDs are
// well-formed CIDv1 strings.

export const MINISTRY = {
  did: 'did:plc:q6gjnaw2blty4crticxkmujt',
  handle: 'ministry.example.gov',
  displayName: 'Ministry of Examples',
};
export const COASTGUARD = {
  did: 'did:plc:z72i7hdynmk6r22z27h6tvur',
  handle: 'coastguard.example.org',
  displayName: '',
};

export const CID_A = 'bafyreib2rxk3rybk3aobmv5cjuql3bm2twh4jo5uxgf4aucfdnrghgrfqe';
export const CID_B = 'bafyreiewmbqmlkxfwecyr2ou4vnmsrghsbqtb5ktuvf3jprb4lp7nbdebu';
export const BLOB_1 = 'bafkreif3wsyomxp3bj6jk4y6qv2lawyqvyfewrtcblpfvw4ui6pu3jqhhq';
export const BLOB_2 = 'bafkreihmxk7brbjiw2ayvfjsktyt3sgzdqbk7q2d6klvx2xt7qa5ytiiwi';

export const postUri = (did: string, rkey: string) => `at://${did}/app.bsky.feed.post/${rkey}`;

export interface ViewSpec {
  author?: { did: string; handle: string; displayName?: string };
  rkey?: string;
  cid?: string;
  record?: Record<string, unknown>;
  embed?: Record<string, unknown>;
  indexedAt?: string;
}

/** A postView with a plain record (override any part). */
export function postView(spec: ViewSpec = {}): Record<string, unknown> {
  const author = spec.author ?? MINISTRY;
  return {
    uri: postUri(author.did, spec.rkey ?? '3mfxgngbz4222'),
    cid: spec.cid ?? CID_A,
    author: { ...author, avatar: `https://cdn.bsky.app/img/avatar/plain/${author.did}/${BLOB_2}@jpeg`, labels: [] },
    record: {
      $type: 'app.bsky.feed.post',
      text: 'Press briefing at noon.',
      createdAt: '2026-03-04T15:20:11.417Z',
      langs: ['en'],
      ...spec.record,
    },
    ...(spec.embed ? { embed: spec.embed } : {}),
    replyCount: 0,
    repostCount: 3,
    likeCount: 12,
    quoteCount: 0,
    bookmarkCount: 0,
    indexedAt: spec.indexedAt ?? '2026-03-04T15:20:12.004Z',
    labels: [],
  };
}

export const imageBlob = (cid: string) => ({
  $type: 'blob',
  ref: { $link: cid },
  mimeType: 'image/jpeg',
  size: 184_211,
});

export const thumb = (did: string, cid: string) => `https://cdn.bsky.app/img/feed_thumbnail/plain/${did}/${cid}@jpeg`;
export const fullsize = (did: string, cid: string) => `https://cdn.bsky.app/img/feed_fullsize/plain/${did}/${cid}@jpeg`;

export function repostReason(by = COASTGUARD, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    $type: 'app.bsky.feed.defs#reasonRepost',
    by: { ...by, labels: [] },
    uri: `at://${by.did}/app.bsky.feed.repost/3mfxhb2kq5s2c`,
    cid: CID_B,
    indexedAt: '2026-03-05T08:00:00.120Z',
    ...extra,
  };
}
