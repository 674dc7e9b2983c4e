// HTTP's Retry-After (RFC 9110 §10.2.3): a number of seconds, or an HTTP
// date. Pure: the time it is read at is passed in.

/** The time a Retry-After value points to, or null when it is neither form. */
export function retryAfterAt(value: string | null | undefined, now: Date): Date | null {
  const text = value?.trim();
  if (!text) return null;
  if (/^\d{1,9}$/.test(text)) return new Date(now.getTime() + Number(text) * 1000);
  const time = Date.parse(text);
  // An HTTP date names its zone (GMT): anything without one is not a Retry-After date.
  if (!Number.isFinite(time) || !/\b(GMT|UTC)\b/i.test(text)) return null;
  return new Date(Math.max(time, now.getTime()));
}
