// Reading a raw capture back: the object a version came from, found anywhere
// in the payload as the source sent it (by its id, or as its platform's
// descriptor says). Pure and iterative (a hostile payload's depth cannot
// overflow the stack).
import { decodeRawBody } from './storable-text.js';

/** The parsed payload of a capture, or undefined when its body is not a JSON object or array. */
export function parseCaptureBody(encoding: string, body: string): unknown {
  const text = decodeRawBody(encoding, body);
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The object `id` names in a payload: the first (document order, depth first)
 * with that `id` and a `text`, since references to a post (`referenced_tweets`)
 * carry its id too; else the first with that id; null when there is none.
 */
export function findObjectWithId(root: unknown, id: string): Record<string, unknown> | null {
  return findObject(
    root,
    (o) => o.id === id,
    (o) => 'text' in o,
  );
}

/**
 * The first object (document order, depth first) that `matches` and `isWhole`
 * (not a mere reference to it); else the first that matches; null when none does.
 */
export function findObject(
  root: unknown,
  matches: (object: Record<string, unknown>) => boolean,
  isWhole: (object: Record<string, unknown>) => boolean,
): Record<string, unknown> | null {
  let first: Record<string, unknown> | null = null;
  const stack: unknown[] = [root];
  while (stack.length) {
    const value = stack.pop();
    if (!value || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
      continue;
    }
    const object = value as Record<string, unknown>;
    if (matches(object)) {
      if (isWhole(object)) return object;
      first ??= object;
    }
    const children = Object.values(object);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return first;
}
