// One line of an X stream, read. Shapes follow X's documentation (filtered
// stream posts with matching_rules, Activity API envelopes, operational
// disconnects); every identifier and text here is invented.
import { describe, expect, it } from 'vitest';
import { readXStreamLine, withTweetNames } from '../../../src/core/x-stream-payload.js';

const AUTHOR = '1800000000000000001';
const POST = '2030000000000000001';

const filteredPost = {
  data: {
    id: POST,
    text: 'The harbour office opens at 9 &amp; closes at 5.',
    author_id: AUTHOR,
    created_at: '2026-03-04T15:20:11.000Z',
    edit_history_tweet_ids: [POST],
  },
  includes: { users: [{ id: AUTHOR, name: 'Harbour Office', username: 'HarbourOffice' }] },
  matching_rules: [
    { id: '1940000000000000001', tag: 'onrecord' },
    { id: '1940000000000000002', tag: 'another-tool' },
  ],
};

describe('readXStreamLine: filtered stream', () => {
  it('reads a post with its author and the tags of the rules it matched', () => {
    const message = readXStreamLine(JSON.stringify(filteredPost));
    expect(message.kind).toBe('posts');
    if (message.kind !== 'posts') return;
    expect(message.authorIds).toEqual([AUTHOR]);
    expect(message.ruleTags).toEqual(['onrecord', 'another-tool']);
    expect(message.body.posts).toHaveLength(1);
    expect(message.body.posts[0]).toMatchObject({
      platformId: POST,
      versionId: POST,
      text: 'The harbour office opens at 9 & closes at 5.',
      authorHandle: 'HarbourOffice',
      via: 'data',
    });
    expect(message.body.problems).toEqual([]);
  });

  it('keeps a malformed post as a problem of the message, not a crash', () => {
    const broken = { ...filteredPost, data: { ...filteredPost.data, id: 42 } };
    const message = readXStreamLine(JSON.stringify(broken));
    expect(message.kind).toBe('posts');
    if (message.kind !== 'posts') return;
    expect(message.body.posts).toEqual([]);
    expect(message.body.problems).toHaveLength(1);
  });

  it('reads an operational disconnect', () => {
    const line = JSON.stringify({
      errors: [
        {
          title: 'operational-disconnect',
          disconnect_type: 'UpstreamOperationalDisconnect',
          detail: 'This stream has been disconnected upstream for operational reasons.',
          type: 'https://api.x.com/2/problems/operational-disconnect',
        },
      ],
    });
    expect(readXStreamLine(line)).toEqual({
      kind: 'disconnect',
      message:
        'operational-disconnect: UpstreamOperationalDisconnect: This stream has been disconnected upstream for operational reasons.',
    });
  });

  it('reads other errors-only messages as errors', () => {
    const line = JSON.stringify({
      title: 'ConnectionException',
      detail: 'This stream is currently at the maximum allowed connection limit.',
      connection_issue: 'TooManyConnections',
      type: 'https://api.x.com/2/problems/streaming-connection',
    });
    expect(readXStreamLine(line)).toEqual({
      kind: 'error',
      message: 'ConnectionException: This stream is currently at the maximum allowed connection limit.',
    });
  });

  it.each([
    ['{"data": {"id": "1", "text": "cut', 'not JSON'],
    ['[1, 2]', 'not a JSON object'],
    ['{"meta": {}}', 'neither data nor errors'],
  ])('calls %j bad', (line, message) => {
    const read = readXStreamLine(line);
    expect(read.kind).toBe('bad');
    expect(read.kind === 'bad' && read.message).toContain(message);
  });
});

describe('readXStreamLine: X Activity API', () => {
  const envelope = (eventType: string, payload: unknown, includes?: unknown) =>
    JSON.stringify({
      data: {
        event_uuid: '-2781149976877970683',
        filter: { user_id: AUTHOR },
        event_type: eventType,
        tag: 'onrecord',
        payload,
        ...(includes ? { includes } : {}),
      },
    });

  it('reads post.create, with the 2026-08 post names as well as the tweet names', () => {
    const payload = {
      id: POST,
      text: 'Ferry timetable changes from Monday…',
      author_id: AUTHOR,
      created_at: '2026-03-04T15:20:11.000Z',
      edit_history_post_ids: [POST],
      note_post: { text: 'Ferry timetable changes from Monday: the 7:10 leaves at 7:25.' },
    };
    const message = readXStreamLine(
      envelope('post.create', payload, {
        posts: [],
        users: [{ id: AUTHOR, username: 'HarbourOffice', name: 'Harbour Office' }],
      }),
    );
    expect(message).toMatchObject({ kind: 'posts', authorIds: [AUTHOR], eventId: '-2781149976877970683' });
    if (message.kind !== 'posts') return;
    expect(message.body.posts[0]).toMatchObject({
      platformId: POST,
      editIds: [POST],
      text: 'Ferry timetable changes from Monday: the 7:10 leaves at 7:25.',
      authorHandle: 'HarbourOffice',
    });
  });

  it('reads post.delete, whose includes wrap each user in data', () => {
    const line = envelope(
      'post.delete',
      { id: POST, author_id: AUTHOR },
      { users: [{ data: { id: AUTHOR, username: 'HarbourOffice', name: 'Harbour Office' } }] },
    );
    expect(readXStreamLine(line)).toEqual({
      kind: 'deleted',
      userId: AUTHOR,
      postId: POST,
      eventId: '-2781149976877970683',
    });
  });

  it('reads a handle change and a display-name change', () => {
    expect(
      readXStreamLine(envelope('profile.update.handle', { before: 'HarbourOffice', after: 'PortAuthority' })),
    ).toEqual({
      kind: 'profile',
      userId: AUTHOR,
      eventType: 'profile.update.handle',
      before: 'HarbourOffice',
      after: 'PortAuthority',
      eventId: '-2781149976877970683',
    });
    expect(
      readXStreamLine(envelope('profile.update.screenname', { before: 'Harbour Office', after: 'Port Authority' })),
    ).toMatchObject({
      kind: 'profile',
      eventType: 'profile.update.screenname',
      after: 'Port Authority',
    });
  });

  it('names events it does not use, and calls a delete without its post bad', () => {
    expect(readXStreamLine(envelope('follow.follow', {}))).toEqual({ kind: 'other', eventType: 'follow.follow' });
    expect(readXStreamLine(envelope('post.delete', { author_id: AUTHOR })).kind).toBe('bad');
  });
});

describe('withTweetNames', () => {
  it('renames the post names and keeps the tweet names when both are present', () => {
    expect(
      withTweetNames({ id: '1', edit_history_post_ids: ['1'], referenced_posts: [], note_post: { text: 'a' } }),
    ).toEqual({
      id: '1',
      edit_history_tweet_ids: ['1'],
      referenced_tweets: [],
      note_tweet: { text: 'a' },
    });
    expect(withTweetNames({ edit_history_tweet_ids: ['2'], edit_history_post_ids: ['1'] })).toEqual({
      edit_history_tweet_ids: ['2'],
    });
  });
});
