// Actors: a person or office that speaks on several channels ("USFOR-A
// spokesman" on X, on Bluesky and in a press-release feed). Each channel is a
// watched account (`platform:handle`). The actor's name is its natural key,
// unique regardless of case. Pure.
import { InvalidInput } from './errors.js';
import { formatAccountRef } from './ids.js';

export const MAX_ACTOR_NAME_LENGTH = 100;

/**
 * An actor's name as people type it: trimmed, inner whitespace collapsed,
 * 1 to MAX_ACTOR_NAME_LENGTH characters with at least one letter or digit,
 * no control characters.
 */
export function parseActorName(text: string, what = 'an actor name'): string {
  const name = text.replace(/\s+/gu, ' ').trim();
  // Control characters (NUL included) and lone surrogates: nothing a name holds, nothing PostgreSQL stores.
  if (/[\p{Cc}\p{Cs}]/u.test(name)) throw new InvalidInput(`${what} contains control characters`);
  if (!/[\p{L}\p{N}]/u.test(name)) throw new InvalidInput(`${what} needs a letter or a digit, got "${text}"`);
  if ([...name].length > MAX_ACTOR_NAME_LENGTH) {
    throw new InvalidInput(`${what} is longer than ${MAX_ACTOR_NAME_LENGTH} characters`);
  }
  return name;
}

/** A list of actor names (each one name: names may hold commas), without repeats regardless of case. */
export function parseActorNames(values: string | readonly string[] | undefined, what = 'an actor name'): string[] {
  const list = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  const names = new Map<string, string>();
  for (const value of list) {
    if (value.trim() === '') continue;
    const name = parseActorName(value, what);
    if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  }
  return [...names.values()];
}

/** One channel of an actor as stored: its account. */
export interface ActorChannelRow {
  platform: string;
  handle: string;
  displayName: string | null;
  status: string;
}

export interface ActorRow {
  id: number;
  name: string;
  createdAt: Date;
  channels: ActorChannelRow[];
}

/** An actor as the CLI's --json, the API and the pages show it. */
export interface ActorView {
  name: string;
  createdAt: string;
  channels: { account: string; platform: string; handle: string; displayName: string | null; status: string }[];
}

export function actorView(actor: ActorRow): ActorView {
  return {
    name: actor.name,
    createdAt: actor.createdAt.toISOString(),
    channels: actor.channels.map((c) => ({
      account: formatAccountRef(c.platform, c.handle),
      platform: c.platform,
      handle: c.handle,
      displayName: c.displayName,
      status: c.status,
    })),
  };
}
