// A line of an X stream as the port's item: the message read by
// core/x-stream-payload.ts, with the line kept as its raw capture.
import { readXStreamLine, type XStreamMessage } from '../../core/x-stream-payload.js';
import type { RawCapture } from '../../ports/post-source.js';
import type { StreamEnd, StreamItem } from '../../ports/post-stream.js';

export interface LineOutcome {
  item?: StreamItem;
  /** The line says the stream is over (X's operational disconnect). */
  end?: StreamEnd;
  message: XStreamMessage;
}

const PROFILE_FIELDS: Record<string, 'handle' | 'name'> = {
  'profile.update.handle': 'handle',
  'profile.update.screenname': 'name',
};

export function lineToItem(line: string, source: string, requestUrl: string, receivedAt: Date): LineOutcome {
  const capture: RawCapture = { source, requestUrl, httpStatus: 200, contentType: 'application/json', body: line };
  const message = readXStreamLine(line);
  const base = { capture, receivedAt };
  switch (message.kind) {
    case 'posts':
      return { message, item: { ...base, kind: 'posts', body: message.body, authorIds: message.authorIds } };
    case 'deleted':
      return { message, item: { ...base, kind: 'deleted', authorId: message.userId, postId: message.postId } };
    case 'profile': {
      const field = PROFILE_FIELDS[message.eventType] ?? 'other';
      return { message, item: { ...base, kind: 'profile', authorId: message.userId, field, after: message.after } };
    }
    case 'disconnect':
      return { message, end: { failure: 'dropped', message: `X disconnected the stream (${message.message})` } };
    case 'error':
      return {
        message,
        item: { ...base, kind: 'problem', message: `X sent an error on the stream: ${message.message}` },
      };
    case 'bad':
      return {
        message,
        item: { ...base, kind: 'problem', message: `an unreadable stream message: ${message.message}` },
      };
    case 'other':
      return { message };
  }
}
