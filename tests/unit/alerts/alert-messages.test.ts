import { describe, expect, it } from 'vitest';
import { emailMessage, eventName, webhookBody, type AlertMessage } from '../../../src/core/alert-messages.js';
import { count, discordMessage, embedSize, slackMessage, DISCORD_LIMITS } from '../../../src/core/chat-messages.js';
import { sampleItem, samplePost } from '../../helpers/alert-fixtures.js';

const DELIVERY = '0b6c2f4e-8f2a-4c55-9d1e-3f1a2b3c4d5e';
const single = (overrides: Partial<AlertMessage> = {}): AlertMessage => ({
  deliveryId: DELIVERY,
  ruleId: 3,
  type: 'event',
  items: [sampleItem()],
  ...overrides,
});
const cited = sampleItem({
  kind: 'cited',
  article: {
    id: 9,
    url: 'https://news.example/story',
    title: 'Minister <speaks> & more',
    kind: 'embed',
    confidence: 1,
  },
});
const edited = sampleItem({
  kind: 'edited',
  previousText: 'The Secretary will travel to Kyiv on Tuesday.',
  post: samplePost({ edited: true }),
});
const digest = (n: number): AlertMessage => ({
  deliveryId: DELIVERY,
  ruleId: 3,
  type: 'digest',
  digest: {
    key: 'hourly:2026-03-04T15',
    start: new Date('2026-03-04T15:00:00Z'),
    end: new Date('2026-03-04T16:00:00Z'),
  },
  items: Array.from({ length: n }, (_, i) =>
    sampleItem({
      eventId: i + 1,
      post: samplePost({ id: String(1864000000000000001n + BigInt(i)), text: 'x'.repeat(3000) }),
    }),
  ),
});

describe('webhookBody', () => {
  it('carries the delivery, the event and the whole post', () => {
    expect(webhookBody(single())).toEqual({
      delivery: DELIVERY,
      event: 'new',
      rule: 3,
      test: false,
      digest: null,
      events: [{ id: 7, kind: 'new', at: '2026-03-04T15:00:06.000Z', post: samplePost() }],
    });
  });

  it('adds the text before an edit and the citing article', () => {
    const body = webhookBody(single({ items: [edited, cited] }));
    expect(body.events.map((e) => [e.kind, e.previousText, e.article?.url])).toEqual([
      ['edited', 'The Secretary will travel to Kyiv on Tuesday.', undefined],
      ['cited', undefined, 'https://news.example/story'],
    ]);
  });

  it('describes a digest period', () => {
    const body = webhookBody(digest(2));
    expect([body.event, body.digest, body.events.length]).toEqual([
      'digest',
      { key: 'hourly:2026-03-04T15', start: '2026-03-04T15:00:00.000Z', end: '2026-03-04T16:00:00.000Z' },
      2,
    ]);
  });

  it.each([
    [single(), 'new'],
    [single({ items: [cited] }), 'cited'],
    [digest(1), 'digest'],
    [single({ type: 'test' }), 'test'],
  ])('names the event in the header (%#)', (message, name) => {
    expect(eventName(message)).toBe(name);
  });
});

describe('slackMessage', () => {
  it('is text plus blocks with the post, account, time and permalink', () => {
    expect(slackMessage(single())).toEqual({
      text: 'New post by x:StateDept: The Secretary will travel to Kyiv on Monday to meet partners.',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text:
              '*<https://x.com/StateDept/status/1864000000000000001|New post by x:StateDept>*\n' +
              '>The Secretary will travel to Kyiv on Monday to meet partners.',
          },
        },
        {
          type: 'context',
          elements: [
            {
              type: 'mrkdwn',
              text: 'x:StateDept · X · 2026-03-04 15:00 UTC · <https://x.com/StateDept/status/1864000000000000001|permalink>',
            },
          ],
        },
      ],
    });
  });

  it('escapes mrkdwn and links the citing article', () => {
    const text = (slackMessage(single({ items: [cited] })).blocks[0] as { text: { text: string } }).text.text;
    expect(text).toContain('cites a post by x:StateDept');
    expect(text).toContain('Article: <https://news.example/story|Minister &lt;speaks&gt; &amp; more>');
  });

  it('stays within 50 blocks and 3000 characters a section for a large digest', () => {
    const m = slackMessage(digest(100));
    expect(m.blocks.length).toBeLessThanOrEqual(50);
    expect(m.blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '…and 76 more' }] });
    for (const b of m.blocks as { text?: { text: string } }[])
      expect(count(b.text?.text ?? '')).toBeLessThanOrEqual(3000);
  });
});

describe('discordMessage', () => {
  it('is content plus one embed per event, with mentions disabled', () => {
    expect(discordMessage(single({ items: [edited] }))).toEqual({
      content: 'x:StateDept edited a post',
      embeds: [
        {
          title: 'x:StateDept edited a post',
          url: 'https://x.com/StateDept/status/1864000000000000001',
          description: 'The Secretary will travel to Kyiv on Monday to meet partners.',
          timestamp: '2026-03-04T15:00:00.000Z',
          author: { name: 'x:StateDept' },
          fields: [{ name: 'Before the edit', value: 'The Secretary will travel to Kyiv on Tuesday.' }],
          footer: { text: 'onrecord · X · edited · 2026-03-04 15:00 UTC' },
        },
      ],
      allowed_mentions: { parse: [] },
    });
  });

  it('links the citing article', () => {
    expect(discordMessage(single({ items: [cited] })).embeds[0]!.fields).toEqual([
      { name: 'Article', value: '[Minister <speaks> & more](https://news.example/story)' },
    ]);
  });

  it.each([1, 3, 10, 40])('keeps a digest of %i long posts within Discord’s limits', (n) => {
    const m = discordMessage(digest(n));
    expect(m.embeds.length).toBe(Math.min(n, 10));
    expect(m.embeds.reduce((sum, e) => sum + embedSize(e), 0)).toBeLessThanOrEqual(DISCORD_LIMITS.total);
    expect(count(m.content)).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    for (const e of m.embeds) expect(count(e.description)).toBeLessThanOrEqual(DISCORD_LIMITS.description);
    if (n > 10)
      expect(m.content).toBe(
        `${n} matches for rule 3, hourly digest 2026-03-04 15:00 UTC to 2026-03-04 16:00 UTC (the first 10 shown)`,
      );
  });
});

describe('emailMessage', () => {
  it('has a one-line subject, a text part and an escaped html part', () => {
    const m = emailMessage(single({ items: [cited] }));
    expect(m.subject).toBe(
      '"Minister <speaks> & more" cites a post by x:StateDept: The Secretary will travel to Kyiv on Monday to meet partners.',
    );
    expect(m.text).toBe(
      [
        '"Minister <speaks> & more" cites a post by x:StateDept',
        '',
        'The Secretary will travel to Kyiv on Monday to meet partners.',
        '',
        'Account: x:StateDept',
        'Platform: X',
        'Posted: 2026-03-04 15:00 UTC',
        'Link: https://x.com/StateDept/status/1864000000000000001',
        'Article: Minister <speaks> & more https://news.example/story',
        '',
        `onrecord delivery ${DELIVERY}`,
        '',
      ].join('\n'),
    );
    expect(m.html).toContain('<a href="https://news.example/story">Minister &lt;speaks&gt; &amp; more</a>');
    expect(m.html).toContain('<a href="https://x.com/StateDept/status/1864000000000000001">permalink</a>');
    expect(m.html).not.toContain('<speaks>');
  });

  it('names a digest in its subject', () => {
    expect(emailMessage(digest(3)).subject).toBe(
      '3 matches for rule 3, hourly digest 2026-03-04 15:00 UTC to 2026-03-04 16:00 UTC',
    );
  });

  it('cuts a long subject and flattens newlines', () => {
    const m = emailMessage(
      single({ items: [sampleItem({ post: samplePost({ text: 'line one\nline two '.repeat(30) }) })] }),
    );
    expect(count(m.subject)).toBeLessThanOrEqual(150);
    expect(m.subject).not.toMatch(/[\r\n]/);
  });
});

describe('the platform in every format', () => {
  // A platform no descriptor knows is named as it is stored.
  const post = samplePost({ platform: 'nowhere', account: 'nowhere:desk', url: 'nowhere:77' });
  const message = single({ items: [sampleItem({ post })] });

  it('the webhook body carries the post with its platform', () => {
    expect(webhookBody(message).events[0]!.post).toMatchObject({ platform: 'nowhere', account: 'nowhere:desk' });
  });

  it('email, Slack and Discord name the platform by its label', () => {
    expect(emailMessage(message).text).toContain('Account: nowhere:desk\nPlatform: nowhere\n');
    expect(emailMessage(single()).html).toContain('x:StateDept · X · 2026-03-04 15:00 UTC');
    const slackContext = slackMessage(message).blocks.at(-1) as { elements: { text: string }[] };
    expect(slackContext.elements[0]!.text).toMatch(/^nowhere:desk · nowhere · 2026-03-04 15:00 UTC · /);
    expect(discordMessage(message).embeds[0]!.footer.text).toBe('onrecord · nowhere · new · 2026-03-04 15:00 UTC');
  });
});
