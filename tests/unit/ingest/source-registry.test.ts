import { describe, expect, it } from 'vitest';
import { createXSource } from '../../../src/adapters/x/x-source.js';
import { createSourceGate } from '../../../src/jobs/source-gate.js';
import { createSourceRegistry } from '../../../src/jobs/source-registry.js';
import { createLogger } from '../../../src/logger.js';

const clock = { now: () => new Date('2026-03-04T15:00:00Z') };
const logger = createLogger({ level: 'silent' });

/** The X adapter (no request is made here), registered under a platform name. */
function sourceNamed(platform: string) {
  const x = createXSource({ baseUrl: 'http://127.0.0.1:9', bearerToken: 't', timeoutMs: 1000, logger });
  x.close();
  return { ...x, platform };
}

describe('source registry', () => {
  it('picks the source and gate of a platform; one platform’s usage cap holds up no other', () => {
    const x = { source: sourceNamed('x'), gate: createSourceGate(clock) };
    const other = { source: sourceNamed('other'), gate: createSourceGate(clock) };
    const registry = createSourceRegistry([x, other]);
    expect(registry.platforms()).toEqual(['x', 'other']);
    expect(registry.get('other')).toBe(other);
    expect(registry.get('bsky')).toBeUndefined();
    registry.get('x')!.gate.recordUsageCap('capped');
    expect(registry.get('x')!.gate.check(1)).toMatchObject({ open: false, reason: 'usage_capped' });
    expect(registry.get('other')!.gate.check(1)).toEqual({ open: true });
  });

  it('refuses two sources for one platform', () => {
    const one = () => ({ source: sourceNamed('x'), gate: createSourceGate(clock) });
    expect(() => createSourceRegistry([one(), one()])).toThrow('one source per platform');
  });
});
