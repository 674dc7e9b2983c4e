// A feed document's text through feedsmith, which detects RSS 2.0/0.9x, RSS
// 1.0 (RDF), Atom 1.0 and JSON Feed 1.0/1.1 by their content (never by the
// content type), keeps each format's structure and namespaces (content:encoded,
// dc:*, dcterms:*, media:*, xml:lang/xml:base) and guids with isPermaLink, and
// does not expand entities a DOCTYPE declares. What it returns is plain data,
// read by core/feed-items.ts without trusting its types. A body that is none of
// these formats, or malformed XML or JSON, is a BadPayload that keeps the capture.
import { DetectError, MalformedError, parseFeed } from 'feedsmith';
import { BadPayload } from '../../core/errors.js';
import type { RawCapture } from '../../ports/post-source.js';

/** The parsed document `{ format, feed }`; throws BadPayload with the capture. */
export function parseFeedDocument(capture: RawCapture): unknown {
  try {
    return parseFeed(capture.body);
  } catch (err) {
    throw new BadPayload(`${capture.requestUrl} ${whyUnreadable(capture.body, err)}`, { cause: err, capture });
  }
}

function whyUnreadable(body: string, err: unknown): string {
  const start = body.replace(/^\uFEFF/, '').trimStart();
  if (!start) return 'answered an empty body, not a feed';
  if (start.startsWith('{') || start.startsWith('[')) {
    return isJson(start) ? 'is JSON but not a JSON Feed' : 'is malformed JSON, not a readable JSON Feed';
  }
  if (/^<(!doctype\s+html|html)[\s>]/i.test(start)) return 'is an HTML page, not a feed';
  if (err instanceof MalformedError) return 'is malformed XML, not a readable feed';
  if (err instanceof DetectError) return 'is not an RSS, Atom or JSON feed';
  return `could not be read as a feed (${err instanceof Error ? err.message : String(err)})`;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
