// One line of onrecord's own `export --format jsonl` (a post view with its
// versions, each carrying the normalized post as stored in `data`), read
// back for `import --format onrecord`. Pure.
import { z } from 'zod';
import type { NormalizedPost } from './post-model.js';
import { parseAccountRef } from './ids.js';

export interface OnrecordVersion {
  post: NormalizedPost;
  capturedAt: Date;
}

export interface OnrecordRecord {
  platform: string;
  platformId: string;
  account: { platform: string; handle: string } | null;
  status: string;
  statusChangedAt: Date | null;
  firstSeenAt: Date;
  firstSeenBy: string;
  versions: OnrecordVersion[];
}

const time = z.iso.datetime({ offset: true });

const dataSchema = z.looseObject({
  platform: z.string(),
  platformId: z.string(),
  versionId: z.string(),
  editIds: z.array(z.string()),
  text: z.string(),
  createdAt: time,
  versionCreatedAt: time,
  contentSha256: z.string(),
});

const recordSchema = z.object({
  id: z.string(),
  platform: z.string(),
  account: z.string().nullable(),
  status: z.string(),
  statusChangedAt: time.nullable(),
  firstSeenAt: time,
  firstSeenBy: z.string(),
  versions: z.array(z.object({ versionId: z.string(), capturedAt: time, data: dataSchema })).min(1),
});

export type ParsedRecord = { ok: true; record: OnrecordRecord } | { ok: false; message: string };

export function parseOnrecordRecord(value: unknown): ParsedRecord {
  const parsed = recordSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`);
    return { ok: false, message: `not an onrecord export record: ${issues.join('; ')}` };
  }
  const r = parsed.data;
  const account = accountOf(r.account);
  if (account === undefined) return { ok: false, message: `not an onrecord export record: account "${r.account}"` };
  return {
    ok: true,
    record: {
      platform: r.platform,
      platformId: r.id,
      account,
      status: r.status,
      statusChangedAt: r.statusChangedAt === null ? null : new Date(r.statusChangedAt),
      firstSeenAt: new Date(r.firstSeenAt),
      firstSeenBy: r.firstSeenBy,
      versions: r.versions.map((v) => ({ capturedAt: new Date(v.capturedAt), post: toNormalized(v.data) })),
    },
  };
}

function accountOf(ref: string | null): OnrecordRecord['account'] | undefined {
  if (ref === null) return null;
  try {
    return parseAccountRef(ref);
  } catch {
    return undefined;
  }
}

/** The stored normalized post, every field kept as exported (dates back to Date). */
function toNormalized(data: z.infer<typeof dataSchema>): NormalizedPost {
  return {
    ...(data as unknown as NormalizedPost),
    createdAt: new Date(data.createdAt),
    versionCreatedAt: new Date(data.versionCreatedAt),
  };
}
