// A Jetstream message as the port's item: the message read by
// core/jetstream-payload.ts, kept raw as its capture (`bsky:jetstream`), with
// its time_us as the item's cursor. A post created or updated becomes the
// posts it carries, a delete a deletion, an identity event a handle, an
// account event the account's status; anything unreadable is a problem.
import { readJetstreamMessage } from '../../core/jetstream-payload.js';
import type { RawCapture } from '../../ports/post-source.js';
import type { StreamItem } from '../../ports/post-stream.js';

export const JETSTREAM_CAPTURE_SOURCE = 'bsky:jetstream';

export function messageToItem(
  raw: string,
  requestUrl: string,
  receivedAt: Date,
  handleOf: (did: string) => string | undefined,
): StreamItem {
  const capture: RawCapture = {
    source: JETSTREAM_CAPTURE_SOURCE,
    requestUrl,
    httpStatus: 101,
    contentType: 'application/json',
    body: raw,
  };
  const message = readJetstreamMessage(raw, handleOf);
  const base = { capture, receivedAt, ...(message.timeUs ? { cursor: message.timeUs } : {}) };
  switch (message.kind) {
    case 'post': {
      const body = { posts: message.post ? [message.post] : [], problems: message.problems, errors: [] };
      return { ...base, kind: 'posts', body, authorIds: [message.did] };
    }
    case 'delete':
      return { ...base, kind: 'deleted', authorId: message.did, postId: message.uri };
    case 'identity':
      return { ...base, kind: 'profile', authorId: message.did, field: 'handle', after: message.handle };
    case 'account':
      return { ...base, kind: 'account', authorId: message.did, isActive: message.isActive, status: message.status };
    case 'other':
      return { ...base, kind: 'skipped' };
    case 'bad':
      return { ...base, kind: 'problem', message: `an unreadable Jetstream message: ${message.message}` };
  }
}
