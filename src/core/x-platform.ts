// X as the platform-neutral code sees it: handles of 1–15 letters, digits or
// `_`, decimal post IDs (each edit has its own), x.com permalinks, and the
// import formats that hold X posts. Pure.
import { InvalidInput } from './errors.js';
import type { PlatformDescriptor } from './platform-descriptor.js';
import { snowflakeAt } from './x-snowflake.js';

const X_HANDLE = /^@?([A-Za-z0-9_]{1,15})$/;
const X_ID = /^\d{1,19}$/;

export const xPlatform = {
  name: 'x',
  label: 'X',
  exampleHandle: 'USFOR_A',
  examplePostId: '1235243970720694456',
  parseHandle(text: string): string {
    const m = X_HANDLE.exec(text);
    if (!m) throw new InvalidInput(`"${text}" is not a valid X handle (1–15 letters, digits or _)`);
    return m[1]!;
  },
  parsePostId(text: string): string {
    if (!X_ID.test(text)) throw new InvalidInput(`"${text}" is not an X post ID (digits only)`);
    return text;
  },
  postUrl(handle: string | null | undefined, id: string): string {
    return `https://x.com/${handle ?? 'i/web'}/status/${id}`;
  },
  editsHaveOwnIds: true,
  importFormats: ['twarc2', 'x-response', 'x-archive'],
  samplePostId: snowflakeAt,
} as const satisfies PlatformDescriptor<'x'>;
