// Every setting that loadConfig accepts is documented in .env.example, and
// .env.example documents nothing that does not exist.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS } from '../../../src/config.js';

const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
// Node's own variables that onrecord's users may need (read by Node, not by loadConfig).
const NODE_VARIABLES = ['NODE_EXTRA_CA_CERTS'];
const documented = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)]
  .map((m) => m[1]!)
  .filter((name) => !NODE_VARIABLES.includes(name));

describe('.env.example', () => {
  it('documents every setting exactly once, with a comment above it', () => {
    expect([...documented].sort()).toEqual([...CONFIG_KEYS].sort());
    const lines = example.split('\n');
    for (const key of CONFIG_KEYS) {
      const at = lines.findIndex((l) => new RegExp(`^#?\\s*${key}=`).test(l));
      expect(lines[at - 1], `comment above ${key}`).toMatch(/^# \S/);
    }
  });
});
