// Quotations in prose attributed to an actor ("the USFOR-A spokesman wrote on
// X") match posts of any of its channels. The actor is one more holder among a
// platform's watched accounts (its name designates it); a quotation attributed
// to it becomes one candidate per channel of that platform, each matched among
// its own account's posts as any quotation is. A quotation one channel's post
// says is that citation: the other channels' candidates are then dropped
// rather than kept open. Pure.
import type { Holder } from './holder-names.js';
import type { Platform } from './platforms.js';

/** An actor as detection needs it: its name and its channels' accounts. */
export interface ActorChannels {
  name: string;
  channels: { platform: Platform; handle: string }[];
}

// A holder's key no handle of any platform can be (handles carry no `#`).
const KEY_PREFIX = '#actor:';

/** The actors with a channel on `platform`, as holders whose name designates them. */
export function actorHolders(actors: readonly ActorChannels[], platform: string): Holder[] {
  return actors.flatMap((actor, i) =>
    actor.channels.some((c) => c.platform === platform)
      ? [
          {
            key: `${KEY_PREFIX}${i}`,
            handle: actor.name,
            displayName: actor.name,
            covers: actor.channels.filter((c) => c.platform === platform).map((c) => c.handle),
          },
        ]
      : [],
  );
}

/** The actor a holder key names (see actorHolders), with its channels on `platform`; undefined for an account. */
export function actorOfKey(
  actors: readonly ActorChannels[],
  key: string,
  platform: string,
): { name: string; handles: string[] } | undefined {
  if (!key.startsWith(KEY_PREFIX)) return undefined;
  const actor = actors[Number(key.slice(KEY_PREFIX.length))];
  if (!actor) return undefined;
  return { name: actor.name, handles: actor.channels.filter((c) => c.platform === platform).map((c) => c.handle) };
}

interface QuoteCandidate {
  kind: string;
  text?: string;
  evidence: { actor?: string };
}

/**
 * Whether another candidate of the same actor quotation (same actor, same
 * words, any channel) was linked to a post: this one is then not kept open.
 */
export function isMatchedElsewhere(
  candidate: QuoteCandidate,
  assignments: readonly { candidate: QuoteCandidate; post?: unknown }[],
): boolean {
  const actor = candidate.evidence.actor;
  if (candidate.kind !== 'quote' || actor === undefined) return false;
  return assignments.some(
    (a) =>
      a.post !== undefined &&
      a.candidate !== candidate &&
      a.candidate.evidence.actor === actor &&
      a.candidate.text === candidate.text,
  );
}
