// Quotations in prose attributed to an actor become candidates of each of its
// channels, on every platform, with the sentence's own certainty; an actor
// whose name is also its channel's is that channel's holder, not its rival.
import { describe, expect, it } from 'vitest';
import { detectReferences, type ActorChannels, type WatchedAccount } from '../../../src/core/article-detect.js';
import { isMatchedElsewhere } from '../../../src/core/actor-quotes.js';
import type { Platform } from '../../../src/core/platforms.js';

const Q = 'The checkpoint near the river crossing reopens to traffic at noon';
// A second platform's accounts, as their rows name them.
const SECOND = 'bsky' as Platform;
const WATCHED: WatchedAccount[] = [
  { platform: 'x', handle: 'USFOR_A', displayName: 'USFOR-A' },
  { platform: 'x', handle: 'USFOR_A_PAO', displayName: 'USFOR-A Public Affairs' },
  { platform: SECOND, handle: 'usfora.example.mil', displayName: 'USFOR-A' },
  { platform: 'x', handle: 'CENTCOM', displayName: 'U.S. Central Command' },
];
const WHITFIELD: ActorChannels = {
  name: 'Dana Whitfield',
  channels: [
    { platform: 'x', handle: 'USFOR_A' },
    { platform: 'x', handle: 'USFOR_A_PAO' },
    { platform: SECOND, handle: 'usfora.example.mil' },
  ],
};

function quotes(text: string, actors: ActorChannels[]) {
  return detectReferences({ text, embeds: [], links: [] }, { detectors: [], watched: WATCHED, actors }).map((c) => ({
    platform: c.platform,
    handle: c.handle,
    text: c.text,
    actor: c.evidence.actor,
    unambiguous: c.evidence.unambiguous,
  }));
}

describe('quotations attributed to an actor', () => {
  const each = (unambiguous: boolean, actor = 'Dana Whitfield') =>
    [
      ['x', 'USFOR_A'],
      ['x', 'USFOR_A_PAO'],
      [SECOND, 'usfora.example.mil'],
    ].map(([platform, handle]) => ({ platform, handle, text: Q, actor, unambiguous }));

  it('are candidates of every channel of the actor, on every platform', () => {
    const text = `\u201c${Q},\u201d Dana Whitfield wrote on X.`;
    expect(quotes(text, [WHITFIELD])).toEqual(each(true));
    // Without the actor, no watched account's holder is named.
    expect(quotes(text, [])).toEqual([]);
  });

  it('by a part of the name (a surname), and through a pronoun after it', () => {
    expect(quotes(`\u201c${Q},\u201d Whitfield posted on Tuesday.`, [WHITFIELD])).toEqual(each(true));
    const pronoun = `Dana Whitfield visited the crossing on Monday. Later she posted: \u201c${Q}.\u201d`;
    expect(quotes(pronoun, [WHITFIELD])).toEqual(each(true));
  });

  it('keep the sentence: another holder named nearby makes them ambiguous; spoken words are no post', () => {
    const near = `\u201c${Q},\u201d Whitfield posted, hours after U.S. Central Command asked for calm.`;
    // Attribution is weighed among the holders of each platform: no other holder on the second one.
    const [onX1, onX2, onSecond] = each(false);
    expect(quotes(near, [WHITFIELD])).toEqual([onX1, onX2, { ...onSecond, unambiguous: true }]);
    expect(quotes(`\u201c${Q},\u201d Dana Whitfield told reporters.`, [WHITFIELD])).toEqual([]);
  });

  it('an actor named as its own channel is that channel, not a rival that makes it ambiguous', () => {
    const sameName: ActorChannels = { name: 'USFOR-A', channels: WHITFIELD.channels };
    const text = `\u201c${Q},\u201d USFOR-A said in a post on X.`;
    expect(quotes(text, [sameName])).toEqual(each(true, 'USFOR-A'));
    // Without actors the account names it, on each platform, as before.
    expect(quotes(text, [])).toEqual([
      { platform: 'x', handle: 'USFOR_A', text: Q, actor: undefined, unambiguous: true },
      { platform: SECOND, handle: 'usfora.example.mil', text: Q, actor: undefined, unambiguous: true },
    ]);
  });

  it('a longer account name still wins over an actor name inside it', () => {
    const short: ActorChannels = { name: 'USFOR-A', channels: [{ platform: 'x', handle: 'USFOR_A' }] };
    const text = `\u201c${Q},\u201d USFOR-A Public Affairs posted.`;
    expect(quotes(text, [short])).toEqual([
      { platform: 'x', handle: 'USFOR_A_PAO', text: Q, actor: undefined, unambiguous: true },
      // On the second platform no account is named so; its USFOR-A account is the nearest name.
      { platform: SECOND, handle: 'usfora.example.mil', text: Q, actor: undefined, unambiguous: true },
    ]);
  });
});

describe('isMatchedElsewhere', () => {
  const candidate = (handle: string, actor?: string, text = Q) => ({
    kind: 'quote',
    handle,
    text,
    evidence: actor === undefined ? {} : { actor },
  });
  const x = candidate('USFOR_A', 'Dana Whitfield');
  const second = candidate('usfora.example.mil', 'Dana Whitfield');

  it.each<
    [string, ReturnType<typeof candidate>, { candidate: ReturnType<typeof candidate>; post?: unknown }[], boolean]
  >([
    ['a sibling linked to a post', x, [{ candidate: x }, { candidate: second, post: {} }], true],
    ['no sibling linked', x, [{ candidate: x }, { candidate: second }], false],
    ['itself linked only', x, [{ candidate: x, post: {} }], false],
    [
      'another quotation of the actor linked',
      x,
      [{ candidate: candidate('usfora.example.mil', 'Dana Whitfield', 'Other words'), post: {} }],
      false,
    ],
    ['a quotation of no actor', candidate('USFOR_A'), [{ candidate: candidate('X2'), post: {} }], false],
  ])('%s', (_name, c, assignments, expected) => {
    expect(isMatchedElsewhere(c, assignments)).toBe(expected);
  });
});
