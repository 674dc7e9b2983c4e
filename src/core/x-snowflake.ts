// X's snowflake IDs: the creation time they encode, and the smallest ID at a
// given time. Pure.

const X_ID = /^\d{1,19}$/;
const TWITTER_EPOCH_MS = 1288834974657n;

/** The creation time encoded in an X snowflake ID (IDs after 2010-11-04). */
export function snowflakeTime(id: string): Date | undefined {
  if (!X_ID.test(id)) return undefined;
  const big = BigInt(id);
  if (big < 1n << 32n) return undefined; // pre-snowflake sequential IDs
  return new Date(Number((big >> 22n) + TWITTER_EPOCH_MS));
}

/** The smallest snowflake ID at a given time. */
export function snowflakeAt(time: Date): string {
  return ((BigInt(time.getTime()) - TWITTER_EPOCH_MS) << 22n).toString();
}
