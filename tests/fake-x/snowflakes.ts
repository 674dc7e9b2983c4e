// Snowflake IDs consistent with created_at: the time in the high bits, a
// per-process sequence in the low 22 bits (X's worker and sequence bits), so
// that posts made in the same millisecond still get distinct, ordered IDs.
import { snowflakeAt } from '../../src/core/x-snowflake.js';

const SEQUENCE_BITS = 22n;
let sequence = 0n;

/** A fresh ID whose time part is `at`. */
export function nextSnowflake(at: Date | string | number): string {
  const base = BigInt(snowflakeAt(new Date(at)));
  sequence = (sequence + 1n) % (1n << SEQUENCE_BITS);
  return (base + sequence).toString();
}
